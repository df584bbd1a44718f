# Copyright (c) segface-mmseg contributors. All rights reserved.
from .face_parsing_metric import FaceParsingMetric

__all__ = ['FaceParsingMetric']
