# Copyright (c) segface-mmseg contributors. All rights reserved.
from .convnext_without_out_norms import ConvNeXtWithoutOutNorms
from .efficientnet_v2_symmetric_pad import EfficientNetV2SymmetricPad

__all__ = ['ConvNeXtWithoutOutNorms', 'EfficientNetV2SymmetricPad']
