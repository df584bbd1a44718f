# Copyright (c) segface-mmseg contributors. All rights reserved.
from .random_face_affine import RandomFaceAffine
from .random_face_flip import RandomFaceFlip
from .resize_with_landmarks import ResizeWithLandmarks

__all__ = ['RandomFaceAffine', 'RandomFaceFlip', 'ResizeWithLandmarks']
