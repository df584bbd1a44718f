# Copyright (c) Meta Platforms, Inc. and affiliates. All rights reserved.
# Borrowed from https://github.com/facebookresearch/segment-anything
# (segment_anything/modeling/prompt_encoder.py, Apache-2.0).
import math
from typing import Optional, Tuple

import torch
import torch.nn as nn
from torch import Tensor


class PositionEmbeddingRandom(nn.Module):
    """Positional encoding with random spatial frequencies (Fourier features).

    The frequencies are a persistent buffer drawn once from N(0, scale^2):
    they belong to the trained model and are loaded from its checkpoint.

    Args:
        num_pos_feats (int): Frequencies; the encoding has
            ``2 * num_pos_feats`` channels (sines first, then cosines).
            Default: 64.
        scale (float, optional): Standard deviation of the frequencies;
            ``None`` or <= 0 means 1.0.
    """

    def __init__(self,
                 num_pos_feats: int = 64,
                 scale: Optional[float] = None) -> None:
        super().__init__()
        if scale is None or scale <= 0.0:
            scale = 1.0
        self.register_buffer('positional_encoding_gaussian_matrix',
                             scale * torch.randn((2, num_pos_feats)))

    def _pe_encoding(self, coords: Tensor) -> Tensor:
        """Encode ... x 2 points in [0, 1]^2 as ... x 2 * num_pos_feats."""
        coords = 2 * coords - 1
        coords = coords @ self.positional_encoding_gaussian_matrix
        coords = 2 * math.pi * coords
        return torch.cat([torch.sin(coords), torch.cos(coords)], dim=-1)

    def forward(self, size: Tuple[int, int]) -> Tensor:
        """Encode the pixel centres of an h x w grid, always in fp32.

        Under mixed precision (autocast) the matmul would run in bf16/fp16:
        phases of up to about 20 radians, rounded to 8 (bf16) mantissa bits,
        are off by up to 0.1 rad; computed in fp32 they are exact.

        Returns:
            Tensor: 2 * num_pos_feats x h x w, fp32.
        """
        matrix = self.positional_encoding_gaussian_matrix
        with torch.autocast(matrix.device.type, enabled=False):
            return self._grid_encoding(size)

    def _grid_encoding(self, size: Tuple[int, int]) -> Tensor:
        h, w = size
        matrix = self.positional_encoding_gaussian_matrix
        y_embed = (torch.arange(h, device=matrix.device, dtype=matrix.dtype) +
                   0.5) / h
        x_embed = (torch.arange(w, device=matrix.device, dtype=matrix.dtype) +
                   0.5) / w
        # h x w x 2 grid of (x, y) coordinates
        coords = torch.stack(
            [x_embed[None, :].expand(h, w), y_embed[:, None].expand(h, w)],
            dim=-1)
        return self._pe_encoding(coords).permute(2, 0, 1)  # C x H x W
