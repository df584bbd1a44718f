# Copyright (c) segface-mmseg contributors. All rights reserved.
from ..utils.deprecation import deprecated_aliases
from . import classes_file, face_classes  # moved names only
from .celebamask_hq import CelebAMaskHQDataset
from .face_landmark_dataset import FaceLandmarkDataset, load_landmarks
from .face_parsing_dataset import FaceParsingDataset
from .helen import HelenDataset
from .lapa import LaPaDataset
from .sample_checks import DatasetError, LabelValueError, NoSamplesError
from .transforms import *  # noqa: F401,F403

__all__ = [
    'CelebAMaskHQDataset', 'FaceLandmarkDataset', 'load_landmarks',
    'HelenDataset', 'LaPaDataset', 'FaceParsingDataset', 'DatasetError',
    'LabelValueError', 'NoSamplesError'
]

# moved to segface_mmseg.classes (the one room for class lists)
__getattr__ = deprecated_aliases(__name__, {
    **face_classes.MOVED,
    **classes_file.MOVED
})
