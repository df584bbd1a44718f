# Copyright (c) segface-mmseg contributors. All rights reserved.
from .face_encoder_decoder import FaceEncoderDecoder

__all__ = ['FaceEncoderDecoder']
