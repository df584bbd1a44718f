# Copyright (c) segface-mmseg contributors. All rights reserved.
import torch.nn as nn
from mmcv.cnn.bricks import Conv2dAdaptivePadding
from mmpretrain.models.backbones import EfficientNetV2
from mmseg.registry import MODELS


@MODELS.register_module()
class EfficientNetV2SymmetricPad(EfficientNetV2):
    """mmpretrain's EfficientNetV2 with PyTorch-style symmetric padding.

    mmpretrain pads its strided convolutions TensorFlow-style
    (``Conv2dAdaptivePadding``: more padding at the bottom/right), while the
    torchvision EfficientNetV2 used by SegFace pads ``(k - 1) // 2`` on every
    side. This subclass swaps each adaptive-padding convolution for a plain
    ``nn.Conv2d`` with symmetric padding; parameters and their names are
    unchanged.

    Args:
        **kwargs: Arguments of :class:`mmpretrain.models.EfficientNetV2`.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        for module in list(self.modules()):
            for name, child in list(module.named_children()):
                if isinstance(child, Conv2dAdaptivePadding):
                    setattr(module, name, self._symmetric_conv(child))

    @staticmethod
    def _symmetric_conv(conv: nn.Conv2d) -> nn.Conv2d:
        padding = tuple(
            (k - 1) // 2 * d for k, d in zip(conv.kernel_size, conv.dilation))
        plain = nn.Conv2d(
            conv.in_channels,
            conv.out_channels,
            conv.kernel_size,
            stride=conv.stride,
            padding=padding,
            dilation=conv.dilation,
            groups=conv.groups,
            bias=conv.bias is not None)
        plain.load_state_dict(conv.state_dict())
        return plain
