# Copyright (c) segface-mmseg contributors. All rights reserved.
from typing import List, Sequence

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
        token_upscaling (bool): Upscale and classify on the token layout,
            in chunks (:meth:`_upscale_and_classify`); False runs the
            official computation on the B x C x h x w map. Same outputs and
            gradients. Default: True.
        upscale_chunk_tokens (int): Tokens per chunk of the token-layout
            upscaling (whole token rows; at least one row). Default: 2048
            (16 rows of a 512 input). The inference policy of each device
            sets both (:mod:`segface_mmseg.apis.inference_policy`).
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
                 token_upscaling: bool = True,
                 upscale_chunk_tokens: int = 2048,
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
        if upscale_chunk_tokens < 1:
            raise ValueError('SegFaceHead: upscale_chunk_tokens must be '
                             f'positive, got {upscale_chunk_tokens}')
        self.token_upscaling = token_upscaling
        self.upscale_chunk_tokens = upscale_chunk_tokens
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

    def predict_by_feat(self, seg_logits: Tensor,
                        batch_img_metas: List[dict]) -> Tensor:
        """mmseg's resize of the logits to the network input, skipped when
        they already have its size (the x4 upscaling gives the input size):
        a bilinear resize to the same size returns its input unchanged, at
        the cost of one more pass over the B x N x H x W logits (and a
        second copy of them in memory).
        """
        meta = batch_img_metas[0]
        # the size mmseg's BaseDecodeHead.predict_by_feat resizes to
        size = meta['img_shape']
        if not isinstance(size, torch.Size) and 'pad_shape' in meta:
            size = meta['pad_shape'][:2]
        if tuple(seg_logits.shape[2:]) == tuple(size):
            return seg_logits
        return super().predict_by_feat(seg_logits, batch_img_metas)

    def _upscale_and_classify(self, image_tokens: Tensor,
                              class_vectors: Tensor, h: int, w: int) -> Tensor:
        """``output_upscaling`` and the logits, on the token layout, in
        cache-sized chunks.

        With ``token_upscaling=False``, and when traced (ONNX export), this
        is :meth:`_upscale_and_classify_plain` (the official computation on
        the B x C x h x w map). The fast path computes the same numbers:

        - a transposed convolution with kernel 2 and stride 2 maps each input
          pixel to its own 2 x 2 output pixels, so it is one matmul on pixel
          rows (:meth:`_transposed_conv_as_matmul`), and LayerNorm2d a
          LayerNorm over the last dimension;
        - every step is per pixel, so it runs on chunks of about
          ``upscale_chunk_tokens`` tokens (whole token rows, one image at a
          time): the 4x and 16x larger maps of a chunk stay in the CPU's
          cache and per-image time does not grow with the batch;
        - the second transposed conv runs once per output row parity ``k``,
          which puts each output row's pixels next to each other: the
          logits need no sub-pixel permute.

        Args:
            image_tokens (Tensor): B x hw x C.
            class_vectors (Tensor): B x N x C/8.
            h (int): Height of the token grid.
            w (int): Width of the token grid.

        Returns:
            Tensor: B x N x 4h x 4w logits.
        """
        if not self.token_upscaling or torch.jit.is_tracing():
            # a traced graph (the ONNX export) would fix the loops below to
            # the traced batch and size
            return self._upscale_and_classify_plain(image_tokens,
                                                    class_vectors, h, w)
        b, n = class_vectors.shape[:2]
        tokens = image_tokens.view(b, h, w, -1)
        rows = max(1, min(h, self.upscale_chunk_tokens // w))
        logits = image_tokens.new_empty(
            b, n, 4 * h, 4 * w, dtype=class_vectors.dtype)
        for i in range(b):
            for top in range(0, h, rows):
                # written while the chunk is in the cache
                logits[i, :, 4 * top:4 * (top + rows)] = self._upscale_rows(
                    tokens[i, top:top + rows], class_vectors[i])
        return logits

    def _upscale_rows(self, tokens: Tensor, class_vectors: Tensor) -> Tensor:
        """Logits of ``r`` token rows of one image.

        Args:
            tokens (Tensor): r x w x C.
            class_vectors (Tensor): N x C/8.

        Returns:
            Tensor: N x 4r x 4w, output row ``4y + 2i + k`` and column
            ``4x + 2j + l`` from token (y, x), sub-pixel (i, j) of the first
            transposed conv and (k, l) of the second.
        """
        conv1, norm, act1, conv2, act2 = self.output_upscaling
        r, w = tokens.shape[:2]
        # (r w i j) x C/4 -> LayerNorm, activation
        x = self._transposed_conv_as_matmul(tokens, conv1)
        x = act1(
            F.layer_norm(x, norm.weight.shape, norm.weight, norm.bias,
                         norm.eps))
        # rows in image order: (r i) x (w j) x C/4 = 2r x 2w pixels
        x = x.view(r, w, 2, 2, -1).permute(0, 2, 1, 3,
                                           4).reshape(4 * r * w, -1)
        c_mid, c_out = conv2.weight.shape[:2]
        rows = []
        for k in range(2):
            # output row parity k: (2r) x (2w l) x C/8, i.e. 2r full rows
            weight = conv2.weight[:, :,
                                  k].permute(0, 2,
                                             1).reshape(c_mid, 2 * c_out)
            y = act2(torch.addmm(conv2.bias.repeat(2), x, weight))
            rows.append(
                (class_vectors @ y.view(-1, c_out).t()).view(-1, 2 * r, 4 * w))
        # N x 2r x (k) x 4w -> N x 4r x 4w
        logits = torch.stack(rows, dim=2)
        return logits.view(class_vectors.shape[0], 4 * r, 4 * w)

    def _upscale_and_classify_plain(self, image_tokens: Tensor,
                                    class_vectors: Tensor, h: int,
                                    w: int) -> Tensor:
        """The official computation: ``output_upscaling`` on the
        B x C x h x w map, then one dot product per class and pixel.

        Args:
            image_tokens (Tensor): B x hw x C.
            class_vectors (Tensor): B x N x C/8.
            h (int): Height of the token grid.
            w (int): Width of the token grid.

        Returns:
            Tensor: B x N x 4h x 4w logits.
        """
        b, _, c = image_tokens.shape
        # B x hw x C -> B x C x h x w -> B x C/8 x 4h x 4w
        upscaled = self.output_upscaling(
            image_tokens.transpose(1, 2).reshape(b, c, h, w))
        # B x N x C/8 @ B x C/8 x 16hw -> B x N x 4h x 4w
        logits = class_vectors @ upscaled.flatten(2)
        return logits.view(b, -1, 4 * h, 4 * w)

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
