# Copyright (c) segface-mmseg contributors. All rights reserved.
import torch.nn as nn
from mmpretrain.models.backbones import ConvNeXt
from mmseg.registry import MODELS


@MODELS.register_module()
class ConvNeXtWithoutOutNorms(ConvNeXt):
    """mmpretrain's ConvNeXt returning raw stage outputs.

    mmpretrain always puts a LayerNorm (``norm{i}``) on every returned stage;
    the torchvision ConvNeXt tapped by SegFace has none. This subclass makes
    those norms identities and returns spatial maps (``gap_before_final_norm``
    is forced off), so the four outputs are the stages themselves.

    Args:
        **kwargs: Arguments of :class:`mmpretrain.models.ConvNeXt`.
    """

    def __init__(self, **kwargs) -> None:
        if kwargs.pop('gap_before_final_norm', False):
            raise ValueError(f'{type(self).__name__} returns spatial stage '
                             'maps; gap_before_final_norm must be False')
        super().__init__(gap_before_final_norm=False, **kwargs)
        for i in self.out_indices:
            setattr(self, f'norm{i}', nn.Identity())
