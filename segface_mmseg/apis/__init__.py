# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Inference for users: :class:`FaceParser`, image reading, detectors."""
from .build_segmentor import (build_segmentor, check_state_dict_fits,
                              load_config, load_weights)
from .face_detectors import (FACE_DETECTORS, BaseFaceDetector, FaceDetection,
                             HaarCascadeFaceDetector, MMDetFaceDetector,
                             MTCNNFaceDetector, build_face_detector)
from .face_parser import FaceParser
from .image_io import (ImageLoadError, atomic_write_image, list_images,
                       load_image)
from .inference_config import network_input_size
from .parsing_result import FaceRecord, ParsingResult
from .segface_inferencer import SegFaceInferencer

__all__ = [
    'BaseFaceDetector', 'FACE_DETECTORS', 'FaceDetection', 'FaceParser',
    'FaceRecord', 'ParsingResult', 'HaarCascadeFaceDetector', 'ImageLoadError',
    'MMDetFaceDetector', 'MTCNNFaceDetector', 'SegFaceInferencer',
    'atomic_write_image', 'check_state_dict_fits', 'build_face_detector',
    'build_segmentor', 'load_config', 'load_weights', 'list_images',
    'load_image', 'network_input_size'
]
