# Copyright (c) segface-mmseg contributors. All rights reserved.
from .segface_head import SegFaceHead

__all__ = ['SegFaceHead']
