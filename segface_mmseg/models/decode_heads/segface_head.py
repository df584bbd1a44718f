# Copyright (c) segface-mmseg contributors. All rights reserved.
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_activation_layer
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS
from mmseg.utils import ConfigType
from torch import Tensor

from ..utils import MLP, LayerNorm2d, PositionEmbeddingRandom


@MODELS.register_module()
class SegFaceHead(BaseDecodeHead):
    """SegFace decoder: one learnable token per class, SAM's two-way
    transformer, x4 upscaling and a shared hypernetwork MLP.

    From "SegFace: Face Segmentation of Long-Tail Classes" (AAAI 2025,
    https://arxiv.org/abs/2412.08647). The input is the stride-4 map of the
    fusion neck ("face tokens"); the logits come out at 4x its resolution,
    i.e. at the network input resolution.

    Args:
        transformer (dict): Config of the token/image transformer; its
            ``embedding_dim`` must equal ``channels``. Default: SAM's
            ``TwoWayTransformer`` with depth 2, 8 heads, MLP 2048.
        upscale_act_cfg (dict): Activation of the upscaling. Default: GELU.
        hypernet_num_layers (int): Linear layers of the hypernetwork MLP.
            Default: 3.
        dropout_ratio (float): Unused (no dropout in SegFace); kept for
            :class:`BaseDecodeHead`. Default: 0.
        init_cfg (dict, optional): Initialization config. Default: None
            (PyTorch's default initialization, as the official model).
        **kwargs: :class:`BaseDecodeHead` arguments (``in_channels``,
            ``channels``, ``num_classes``, ``loss_decode``, ...).
            ``in_channels`` must equal ``channels``.
    """

    def __init__(self,
                 transformer: ConfigType = dict(
                     type='TwoWayTransformer',
                     depth=2,
                     embedding_dim=256,
                     num_heads=8,
                     mlp_dim=2048),
                 upscale_act_cfg: ConfigType = dict(type='GELU'),
                 hypernet_num_layers: int = 3,
                 dropout_ratio: float = 0.0,
                 init_cfg=None,
                 **kwargs) -> None:
        super().__init__(
            dropout_ratio=dropout_ratio, init_cfg=init_cfg, **kwargs)
        if self.in_channels != self.channels:
            raise ValueError(f'SegFaceHead: in_channels ({self.in_channels}) '
                             f'must equal channels ({self.channels})')
        if self.channels % 8 != 0:
            raise ValueError('SegFaceHead: channels must be divisible by 8, '
                             f'got {self.channels}')
        embedding_dim = transformer.get('embedding_dim', self.channels)
        if embedding_dim != self.channels:
            raise ValueError(f'SegFaceHead: transformer embedding_dim '
                             f'({embedding_dim}) must equal channels '
                             f'({self.channels})')
        # BaseDecodeHead's 1x1 classifier is replaced by the class tokens
        delattr(self, 'conv_seg')

        dim = self.channels
        self.pe_layer = PositionEmbeddingRandom(dim // 2)
        self.class_tokens = nn.Embedding(self.out_channels, dim)
        self.transformer = MODELS.build(transformer)
        self.output_upscaling = nn.Sequential(
            nn.ConvTranspose2d(dim, dim // 4, kernel_size=2, stride=2),
            LayerNorm2d(dim // 4),
            build_activation_layer(upscale_act_cfg),
            nn.ConvTranspose2d(dim // 4, dim // 8, kernel_size=2, stride=2),
            build_activation_layer(upscale_act_cfg),
        )
        self.output_hypernetwork_mlp = MLP(dim, dim, dim // 8,
                                           hypernet_num_layers)

    def forward(self, inputs: Sequence[Tensor]) -> Tensor:
        """Predict per-class logits.

        Args:
            inputs (Sequence[Tensor]): Neck outputs; ``inputs[in_index]`` is
                the B x C x h x w stride-4 map.

        Returns:
            Tensor: Logits, B x num_classes x 4h x 4w.
        """
        face_tokens = self._transform_inputs(inputs)
        b, c, h, w = face_tokens.shape

        # Positional encoding of the image grid: 1 x C x h x w
        image_pe = self.pe_layer((h, w)).unsqueeze(0)

        # One token per class, shared by the batch: B x N x C
        tokens = self.class_tokens.weight.unsqueeze(0).expand(b, -1, -1)

        # Tokens and image attend to each other:
        # B x N x C tokens, B x hw x C image tokens
        tokens, image_tokens = self.transformer(face_tokens, image_pe, tokens)

        # One C/8 vector per class from the shared hypernetwork: B x N x C/8
        class_vectors = self.output_hypernetwork_mlp(tokens)

        # Upscale the image tokens x4 and take the dot products with the
        # class vectors: B x N x 4h x 4w
        return self._upscale_and_classify(image_tokens, class_vectors, h, w)

    def _upscale_and_classify(self, image_tokens: Tensor,
                              class_vectors: Tensor, h: int, w: int) -> Tensor:
        """``output_upscaling`` and the logits, computed on the token layout.

        A transposed convolution with kernel 2 and stride 2 maps each input
        pixel to its own 2 x 2 output pixels, so it is one matmul on the
        B x hw x C tokens (no transposes to B x C x h x w and back); the
        LayerNorm2d becomes a LayerNorm over the last dimension. The sub-pixel
        order is undone once, on the logits.

        Args:
            image_tokens (Tensor): B x hw x C.
            class_vectors (Tensor): B x N x C/8.
            h (int): Height of the token grid.
            w (int): Width of the token grid.

        Returns:
            Tensor: B x N x 4h x 4w logits, equal to applying
            ``output_upscaling`` to the B x C x h x w map.
        """
        conv1, norm, act1, conv2, act2 = self.output_upscaling
        b, n = class_vectors.shape[:2]
        # (B h w i j) x C/4 for the 2 x 2 sub-pixels (i, j) of each token
        x = self._transposed_conv_as_matmul(image_tokens, conv1)
        x = act1(
            F.layer_norm(x, norm.weight.shape, norm.weight, norm.bias,
                         norm.eps))
        # (B h w i j k l) x C/8 for the sub-pixels (k, l) of each of those
        x = act2(self._transposed_conv_as_matmul(x, conv2))
        # B x N x (h w i j k l), then pixel (4y + 2i + k, 4x + 2j + l)
        logits = class_vectors @ x.view(b, -1, x.shape[-1]).transpose(1, 2)
        logits = logits.view(b, n, h, w, 2, 2, 2, 2)
        logits = logits.permute(0, 1, 2, 4, 6, 3, 5, 7)
        return logits.reshape(b, n, 4 * h, 4 * w)

    @staticmethod
    def _transposed_conv_as_matmul(x: Tensor,
                                   conv: nn.ConvTranspose2d) -> Tensor:
        """Apply a kernel-2, stride-2 transposed conv to pixel rows.

        ``out[o, 2y + i, 2x + j] = sum_c in[c, y, x] * W[c, o, i, j] + b[o]``.

        Args:
            x (Tensor): ... x C_in, one row per input pixel.
            conv (nn.ConvTranspose2d): Source of ``W`` and ``b``.

        Returns:
            Tensor: (rows * 4) x C_out, the sub-pixels (i, j) of each row
            in row-major order.
        """
        c_in, c_out = conv.weight.shape[:2]
        weight = conv.weight.permute(0, 2, 3, 1).reshape(c_in, 4 * c_out)
        out = torch.addmm(conv.bias.repeat(4), x.reshape(-1, c_in), weight)
        return out.view(-1, c_out)
