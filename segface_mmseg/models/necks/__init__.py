# Copyright (c) segface-mmseg contributors. All rights reserved.
from .mlp_fusion_neck import MLPFusionNeck

__all__ = ['MLPFusionNeck']
