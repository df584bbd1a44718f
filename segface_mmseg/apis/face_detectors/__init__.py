# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Pluggable face detectors for the in-the-wild mode."""
from .base import LANDMARK_NAMES, BaseFaceDetector, FaceDetection
from .builder import DETECTOR_ALIASES, FACE_DETECTORS, build_face_detector
from .haar_cascade_face_detector import HaarCascadeFaceDetector
from .mmdet_face_detector import MMDetFaceDetector
from .mtcnn_face_detector import MTCNNFaceDetector

__all__ = [
    'BaseFaceDetector', 'DETECTOR_ALIASES', 'FACE_DETECTORS', 'FaceDetection',
    'HaarCascadeFaceDetector', 'LANDMARK_NAMES', 'MMDetFaceDetector',
    'MTCNNFaceDetector', 'build_face_detector'
]
