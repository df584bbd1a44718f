# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Inference for users: :class:`FaceParser`, image reading, detectors."""
from ..utils.deprecation import deprecated_aliases
from .build_segmentor import build_segmentor, load_config
from .face_cropper import FaceCrop, FaceCropper
from .face_detectors import (FACE_DETECTORS, BaseFaceDetector, FaceDetection,
                             HaarCascadeFaceDetector, MMDetFaceDetector,
                             MTCNNFaceDetector, build_face_detector)
from .face_parser import FaceParser
from .image_io import (ImageLoadError, atomic_write_image, list_images,
                       load_image)
from .inference_config import network_input_size
from .inference_policy import (DEFAULT_POLICY, POLICIES, InferencePolicy,
                               apply_inference_policy, inference_policy)
from .model_runner import ModelRunner
from .parsing_result import FacePaster, FaceRecord, ParsingResult
from .segface_inferencer import SegFaceInferencer

__all__ = [
    'BaseFaceDetector', 'FACE_DETECTORS', 'FaceCrop', 'FaceCropper',
    'FaceDetection', 'FacePaster', 'FaceParser', 'FaceRecord', 'ParsingResult',
    'HaarCascadeFaceDetector', 'ImageLoadError', 'MMDetFaceDetector',
    'MTCNNFaceDetector', 'ModelRunner', 'SegFaceInferencer',
    'atomic_write_image', 'build_face_detector', 'build_segmentor',
    'load_config', 'list_images', 'DEFAULT_POLICY', 'POLICIES',
    'InferencePolicy', 'apply_inference_policy', 'inference_policy',
    'load_image', 'network_input_size'
]

# moved to segface_mmseg.checkpoints (the floor every loader stands on)
__getattr__ = deprecated_aliases(
    __name__, {
        name: f'segface_mmseg.checkpoints.{name}'
        for name in ('check_state_dict_fits', 'load_weights')
    })
