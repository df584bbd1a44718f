# Copyright (c) Meta Platforms, Inc. and affiliates. All rights reserved.
# MLPBlock and LayerNorm2d are borrowed from
# https://github.com/facebookresearch/segment-anything
# (segment_anything/modeling/common.py, Apache-2.0); MLP is lightly adapted
# from https://github.com/facebookresearch/MaskFormer via SAM's
# mask_decoder.py.
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_activation_layer
from mmseg.utils import ConfigType
from torch import Tensor


class MLPBlock(nn.Module):
    """Two linear layers with an activation between: C -> mlp_dim -> C.

    Args:
        embedding_dim (int): Input and output channels.
        mlp_dim (int): Hidden channels.
        act_cfg (dict): Activation config, e.g. ``dict(type='GELU')``.
    """

    def __init__(self, embedding_dim: int, mlp_dim: int,
                 act_cfg: ConfigType) -> None:
        super().__init__()
        self.lin1 = nn.Linear(embedding_dim, mlp_dim)
        self.lin2 = nn.Linear(mlp_dim, embedding_dim)
        self.act = build_activation_layer(act_cfg)

    def forward(self, x: Tensor) -> Tensor:
        """B x N x C -> B x N x C."""
        return self.lin2(self.act(self.lin1(x)))


class MLP(nn.Module):
    """A stack of linear layers with ReLU between them (none after the last).

    Args:
        input_dim (int): Input channels.
        hidden_dim (int): Channels of every hidden layer.
        output_dim (int): Output channels.
        num_layers (int): Number of linear layers, >= 1.
    """

    def __init__(self, input_dim: int, hidden_dim: int, output_dim: int,
                 num_layers: int) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f'num_layers must be >= 1, got {num_layers}')
        self.num_layers = num_layers
        h = [hidden_dim] * (num_layers - 1)
        self.layers = nn.ModuleList(
            nn.Linear(n, k) for n, k in zip([input_dim] + h, h + [output_dim]))

    def forward(self, x: Tensor) -> Tensor:
        """... x input_dim -> ... x output_dim."""
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < self.num_layers - 1:
                x = F.relu(x)
        return x


# From https://github.com/facebookresearch/detectron2/blob/main/detectron2/layers/batch_norm.py # noqa
# Itself from https://github.com/facebookresearch/ConvNeXt/blob/d1fa8f6fef0a165b27399986cc2bdacc92777e40/models/convnext.py#L119  # noqa
class LayerNorm2d(nn.Module):
    """LayerNorm over the channels of a B x C x H x W map.

    Args:
        num_channels (int): Channels C.
        eps (float): Added to the variance. Default: 1e-6.
    """

    def __init__(self, num_channels: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(num_channels))
        self.bias = nn.Parameter(torch.zeros(num_channels))
        self.eps = eps

    def forward(self, x: Tensor) -> Tensor:
        """B x C x H x W -> B x C x H x W."""
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]
