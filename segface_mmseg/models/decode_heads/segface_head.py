# Copyright (c) segface-mmseg contributors. All rights reserved.
from typing import Sequence

import torch.nn as nn
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

        # Upscale the image tokens x4: B x C/8 x 4h x 4w
        upscaled = self.output_upscaling(
            image_tokens.transpose(1, 2).reshape(b, c, h, w))

        # One C/8 vector per class from the shared hypernetwork: B x N x C/8
        class_vectors = self.output_hypernetwork_mlp(tokens)

        # Logits are the dot products: B x N x 4h x 4w
        b, c_up, h_up, w_up = upscaled.shape
        logits = class_vectors @ upscaled.reshape(b, c_up, h_up * w_up)
        return logits.reshape(b, -1, h_up, w_up)
