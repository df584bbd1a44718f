# Copyright (c) segface-mmseg contributors. All rights reserved.
from ..utils.deprecation import deprecated_aliases
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
__getattr__ = deprecated_aliases(
    __name__, {
        name: f'segface_mmseg.classes.{name}'
        for name in ('CELEBAMASK_HQ_CLASSES', 'FACE_PALETTE', 'HELEN_CLASSES',
                     'LAPA_CLASSES', 'ORIGINAL_CELEBAMASK_HQ_CLASSES',
                     'ZLLRUNNING_CELEBAMASK_HQ_CLASSES', 'class_remap',
                     'left_right_pairs', 'palette_of', 'face_metainfo',
                     'read_classes_file', 'write_classes_file')
    })
