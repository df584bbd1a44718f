# Copyright (c) segface-mmseg contributors. All rights reserved.
from .celebamask_hq import CelebAMaskHQDataset
from .classes_file import face_metainfo, read_classes_file, write_classes_file
from .face_classes import (CELEBAMASK_HQ_CLASSES, FACE_PALETTE, HELEN_CLASSES,
                           LAPA_CLASSES, ORIGINAL_CELEBAMASK_HQ_CLASSES,
                           ZLLRUNNING_CELEBAMASK_HQ_CLASSES, class_remap,
                           left_right_pairs, palette_of)
from .face_landmark_dataset import FaceLandmarkDataset, load_landmarks
from .face_parsing_dataset import FaceParsingDataset
from .helen import HelenDataset
from .lapa import LaPaDataset
from .sample_checks import DatasetError, LabelValueError, NoSamplesError
from .transforms import *  # noqa: F401,F403

__all__ = [
    'CelebAMaskHQDataset', 'CELEBAMASK_HQ_CLASSES', 'FACE_PALETTE',
    'LAPA_CLASSES', 'left_right_pairs', 'palette_of', 'HELEN_CLASSES',
    'ORIGINAL_CELEBAMASK_HQ_CLASSES', 'ZLLRUNNING_CELEBAMASK_HQ_CLASSES',
    'class_remap', 'FaceLandmarkDataset', 'load_landmarks', 'HelenDataset',
    'LaPaDataset', 'FaceParsingDataset', 'face_metainfo', 'read_classes_file',
    'write_classes_file', 'DatasetError', 'LabelValueError', 'NoSamplesError'
]
