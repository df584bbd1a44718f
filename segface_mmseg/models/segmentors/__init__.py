# Copyright (c) segface-mmseg contributors. All rights reserved.
from .face_encoder_decoder import FaceEncoderDecoder
from .face_flip_tta import FaceFlipTTAModel

__all__ = ['FaceEncoderDecoder', 'FaceFlipTTAModel']
