# Copyright (c) segface-mmseg contributors. All rights reserved.
# The fusion follows SegFace's "SegfaceMLP" + ``linear_fuse``, itself adapted
# from Hugging Face's SegformerDecodeHead (modeling_segformer.py).
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS
from mmseg.utils import OptConfigType
from torch import Tensor


@MODELS.register_module()
class MLPFusionNeck(BaseModule):
    """All-MLP fusion of multi-level features into one stride-4 map.

    Each level goes through its own ``Linear(C_i -> channels)`` (with bias), is
    resized bilinearly to the size of the first (finest) level, the levels are
    concatenated coarsest first and a bias-free 1x1 conv fuses them. There is
    no norm, activation or dropout, exactly as in SegFace.

    The neck runs *folded* (``fold=True``, in training and at inference):
    each level's Linear composed with its slice of the fuse conv is one
    linear map ``C_i -> channels``, applied at the level's own resolution
    before the resize. Bilinear resizing is linear and keeps constants, so
    the result and its gradients are those of the official computation (up
    to float rounding) at a fraction of the cost, and the 4 x channels
    stride-4 concatenation is never stored.

    Args:
        in_channels (Sequence[int]): Channels of the input levels, finest
            (stride 4) first.
        channels (int): Channels of every projected level and of the output.
            Default: 256.
        interpolate_mode (str): Resize mode. Default: 'bilinear'.
        align_corners (bool): ``align_corners`` of the resize. Default: False.
        fold (bool): Use the folded form; False runs the official
            computation (Linear per level, resize, concat, fuse conv).
            Default: True.
        init_cfg (dict, optional): Initialization config. Default: None
            (PyTorch's default initialization, as the official model).
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 channels: int = 256,
                 interpolate_mode: str = 'bilinear',
                 align_corners: bool = False,
                 fold: bool = True,
                 init_cfg: OptConfigType = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if len(in_channels) < 1 or any(c < 1 for c in in_channels):
            raise ValueError('in_channels must be a non-empty sequence of '
                             f'positive ints, got {in_channels}')
        if channels < 1:
            raise ValueError(f'channels must be positive, got {channels}')
        self.in_channels = list(in_channels)
        self.channels = channels
        self.interpolate_mode = interpolate_mode
        self.align_corners = align_corners
        self.fold = fold

        self.level_projs = nn.ModuleList(
            nn.Linear(c, channels) for c in self.in_channels)
        self.fuse_conv = nn.Conv2d(
            channels * len(self.in_channels), channels, 1, bias=False)

    def _resize(self, x: Tensor, size: torch.Size) -> Tensor:
        if x.shape[2:] == size:
            return x
        return F.interpolate(
            x,
            size=size,
            mode=self.interpolate_mode,
            align_corners=self.align_corners)

    def folded_weights(self) -> List[Tuple[Tensor, Tensor]]:
        """Per-level ``(weight, bias)`` of the folded linear maps.

        Level i occupies slot ``L - 1 - i`` of the fuse conv's input (coarsest
        first), so its folded map is ``W_fuse[:, slot] @ W_i`` with bias
        ``W_fuse[:, slot] @ b_i``. Composed anew at every call, from the
        current parameters and in the current autograd mode: nothing is kept
        between forwards (its cost: docs/speed.md).

        Composed in fp32 under mixed precision too (autocast would round
        both factors to bf16/fp16 first); the convolutions that apply them
        still run in the autocast dtype.

        Returns:
            list[tuple[Tensor, Tensor]]: ``channels x C_i`` weights and
            ``channels`` biases, finest level first.
        """
        with torch.autocast(self.fuse_conv.weight.device.type, enabled=False):
            return self._compose_folded_weights()

    def _compose_folded_weights(self) -> List[Tuple[Tensor, Tensor]]:
        num_levels = len(self.in_channels)
        fuse = self.fuse_conv.weight.flatten(1)  # C x (L * C)
        folded = []
        for i, proj in enumerate(self.level_projs):
            slot = num_levels - 1 - i
            fuse_slice = fuse[:,
                              slot * self.channels:(slot + 1) * self.channels]
            folded.append((fuse_slice @ proj.weight, fuse_slice @ proj.bias))
        return folded

    def forward(self, inputs: Sequence[Tensor]) -> Tuple[Tensor]:
        """Fuse the levels.

        Args:
            inputs (Sequence[Tensor]): L maps, level i of shape
                B x C_i x H_i x W_i, finest first.

        Returns:
            tuple[Tensor]: One B x channels x H_0 x W_0 map (folded:
            channels-last in memory, i.e. B x H_0 x W_0 x channels).
        """
        if len(inputs) != len(self.in_channels):
            raise ValueError(f'{type(self).__name__} expects '
                             f'{len(self.in_channels)} levels, got '
                             f'{len(inputs)}')
        if self.fold:
            return (self._forward_folded(inputs, self.folded_weights()), )
        size = inputs[0].shape[2:]

        # Project each level: B x C_i x H_i x W_i -> B x C x H_i x W_i
        projected = [
            proj(x.flatten(2).transpose(1, 2)).transpose(1, 2).reshape(
                x.shape[0], self.channels, *x.shape[2:])
            for x, proj in zip(inputs, self.level_projs)
        ]
        # Resize to the finest level: L x (B x C x H_0 x W_0)
        resized = [self._resize(x, size) for x in projected]
        # Concatenate coarsest first and fuse: B x C x H_0 x W_0
        return (self.fuse_conv(torch.cat(resized[::-1], dim=1)), )

    def _forward_folded(self, inputs: Sequence[Tensor],
                        folded: List[Tuple[Tensor, Tensor]]) -> Tensor:
        """Apply the :meth:`folded_weights` ``folded`` to the levels."""
        size = inputs[0].shape[2:]
        fused = None
        for x, (weight, bias) in zip(inputs, folded):
            # B x C_i x H_i x W_i -> B x C x H_i x W_i, then to H_0 x W_0, in
            # channels-last memory (the token layout), which the CPU's
            # bilinear resize prefers and the head's B x hw x C view of the
            # sum reads without a copy
            x = x.contiguous(memory_format=torch.channels_last)
            level = self._resize(
                F.conv2d(x, weight[:, :, None, None], bias), size)
            fused = level if fused is None else fused + level
        return fused
