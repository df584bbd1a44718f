# Copyright (c) Meta Platforms, Inc. and affiliates. All rights reserved.
# Borrowed from https://github.com/facebookresearch/segment-anything
# (segment_anything/modeling/transformer.py, Apache-2.0), with activations
# configured by ``act_cfg`` dicts and attention computed by
# ``F.scaled_dot_product_attention``. Parameter names are unchanged, so SAM and
# SegFace weights map one to one.
from typing import Tuple

import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from mmseg.utils import ConfigType
from torch import Tensor

from .mlp import MLPBlock


class Attention(nn.Module):
    """Multi-head attention that can shrink the embedding after projection.

    Args:
        embedding_dim (int): Channels of the queries, keys and values.
        num_heads (int): Number of attention heads.
        downsample_rate (int): The internal (per-projection) dimension is
            ``embedding_dim // downsample_rate``. Default: 1.
    """

    def __init__(self,
                 embedding_dim: int,
                 num_heads: int,
                 downsample_rate: int = 1) -> None:
        super().__init__()
        self.embedding_dim = embedding_dim
        self.internal_dim = embedding_dim // downsample_rate
        self.num_heads = num_heads
        if self.internal_dim % num_heads != 0:
            raise ValueError(
                f'num_heads ({num_heads}) must divide the internal dimension '
                f'{embedding_dim} // {downsample_rate} = {self.internal_dim}')

        self.q_proj = nn.Linear(embedding_dim, self.internal_dim)
        self.k_proj = nn.Linear(embedding_dim, self.internal_dim)
        self.v_proj = nn.Linear(embedding_dim, self.internal_dim)
        self.out_proj = nn.Linear(self.internal_dim, embedding_dim)

    def _separate_heads(self, x: Tensor) -> Tensor:
        b, n, c = x.shape
        x = x.reshape(b, n, self.num_heads, c // self.num_heads)
        return x.transpose(1, 2)  # B x N_heads x N_tokens x C_per_head

    def _recombine_heads(self, x: Tensor) -> Tensor:
        b, n_heads, n_tokens, c_per_head = x.shape
        x = x.transpose(1, 2)
        return x.reshape(b, n_tokens, n_heads * c_per_head)  # B x N x C

    def forward(self, q: Tensor, k: Tensor, v: Tensor) -> Tensor:
        """Attend from ``q`` (B x N_q x C) to ``k``/``v`` (B x N_k x C).

        Returns:
            Tensor: B x N_q x C.
        """
        # Input projections, split into heads
        q = self._separate_heads(self.q_proj(q))
        k = self._separate_heads(self.k_proj(k))
        v = self._separate_heads(self.v_proj(v))

        # Scaled dot-product attention, softmax over the keys
        out = F.scaled_dot_product_attention(q, k, v)

        # B x N_heads x N_q x C_per_head -> B x N_q x C
        return self.out_proj(self._recombine_heads(out))


class TwoWayAttentionBlock(nn.Module):
    """Tokens attend to the image, and the image attends back to the tokens.

    Four layers: (1) self-attention of the sparse tokens, (2) cross-attention
    tokens -> image, (3) an MLP on the tokens, (4) cross-attention
    image -> tokens. Each is followed by a residual add and a LayerNorm; the
    first self-attention of the first block has no residual and no positional
    encoding (``skip_first_layer_pe``), as in SAM.

    Args:
        embedding_dim (int): Channels of tokens and image embedding.
        num_heads (int): Number of attention heads.
        mlp_dim (int): Hidden channels of the token MLP. Default: 2048.
        act_cfg (dict): Activation of the token MLP. Default: ReLU.
        attention_downsample_rate (int): Downsample rate of the two
            cross-attentions. Default: 2.
        skip_first_layer_pe (bool): Drop the positional encoding and the
            residual of the self-attention. Default: False.
    """

    def __init__(self,
                 embedding_dim: int,
                 num_heads: int,
                 mlp_dim: int = 2048,
                 act_cfg: ConfigType = dict(type='ReLU'),
                 attention_downsample_rate: int = 2,
                 skip_first_layer_pe: bool = False) -> None:
        super().__init__()
        self.self_attn = Attention(embedding_dim, num_heads)
        self.norm1 = nn.LayerNorm(embedding_dim)

        self.cross_attn_token_to_image = Attention(
            embedding_dim,
            num_heads,
            downsample_rate=attention_downsample_rate)
        self.norm2 = nn.LayerNorm(embedding_dim)

        self.mlp = MLPBlock(embedding_dim, mlp_dim, act_cfg)
        self.norm3 = nn.LayerNorm(embedding_dim)

        self.norm4 = nn.LayerNorm(embedding_dim)
        self.cross_attn_image_to_token = Attention(
            embedding_dim,
            num_heads,
            downsample_rate=attention_downsample_rate)

        self.skip_first_layer_pe = skip_first_layer_pe

    def forward(self, queries: Tensor, keys: Tensor, query_pe: Tensor,
                key_pe: Tensor) -> Tuple[Tensor, Tensor]:
        """Run the block.

        Args:
            queries (Tensor): Tokens, B x N_tokens x C.
            keys (Tensor): Image tokens, B x N_image_tokens x C.
            query_pe (Tensor): Token positional encoding, like ``queries``.
            key_pe (Tensor): Image positional encoding, like ``keys``.

        Returns:
            tuple[Tensor, Tensor]: Updated ``queries`` and ``keys``.
        """
        # Self attention block
        if self.skip_first_layer_pe:
            queries = self.self_attn(q=queries, k=queries, v=queries)
        else:
            q = queries + query_pe
            queries = queries + self.self_attn(q=q, k=q, v=queries)
        queries = self.norm1(queries)

        # Cross attention block, tokens attending to image embedding
        q = queries + query_pe
        k = keys + key_pe
        queries = queries + self.cross_attn_token_to_image(q=q, k=k, v=keys)
        queries = self.norm2(queries)

        # MLP block
        queries = self.norm3(queries + self.mlp(queries))

        # Cross attention block, image embedding attending to tokens
        # (``keys`` is unchanged since ``k`` was formed above)
        q = queries + query_pe
        keys = keys + self.cross_attn_image_to_token(q=k, k=q, v=queries)
        keys = self.norm4(keys)

        return queries, keys


@MODELS.register_module()
class TwoWayTransformer(nn.Module):
    """SAM's two-way transformer: tokens and image embedding update each other.

    Args:
        depth (int): Number of :class:`TwoWayAttentionBlock`. Default: 2.
        embedding_dim (int): Channels of tokens and image embedding.
            Default: 256.
        num_heads (int): Number of attention heads; must divide the internal
            dimension of every attention. Default: 8.
        mlp_dim (int): Hidden channels of the token MLPs. Default: 2048.
        act_cfg (dict): Activation of the token MLPs. Default: ReLU.
        attention_downsample_rate (int): Downsample rate of the
            cross-attentions. Default: 2.
    """

    def __init__(self,
                 depth: int = 2,
                 embedding_dim: int = 256,
                 num_heads: int = 8,
                 mlp_dim: int = 2048,
                 act_cfg: ConfigType = dict(type='ReLU'),
                 attention_downsample_rate: int = 2) -> None:
        super().__init__()
        if depth < 1:
            raise ValueError(f'depth must be >= 1, got {depth}')
        self.depth = depth
        self.embedding_dim = embedding_dim
        self.num_heads = num_heads
        self.mlp_dim = mlp_dim
        self.layers = nn.ModuleList(
            TwoWayAttentionBlock(
                embedding_dim=embedding_dim,
                num_heads=num_heads,
                mlp_dim=mlp_dim,
                act_cfg=act_cfg,
                attention_downsample_rate=attention_downsample_rate,
                skip_first_layer_pe=(i == 0)) for i in range(depth))

        self.final_attn_token_to_image = Attention(
            embedding_dim,
            num_heads,
            downsample_rate=attention_downsample_rate)
        self.norm_final_attn = nn.LayerNorm(embedding_dim)

    def forward(self, image_embedding: Tensor, image_pe: Tensor,
                point_embedding: Tensor) -> Tuple[Tensor, Tensor]:
        """Run the transformer.

        Args:
            image_embedding (Tensor): Image to attend to, B x C x h x w.
            image_pe (Tensor): Positional encoding of the image, same shape
                as ``image_embedding`` (a batch of 1 broadcasts).
            point_embedding (Tensor): Tokens, B x N_tokens x C. They are the
                initial queries and their own positional encoding.

        Returns:
            tuple[Tensor, Tensor]: The processed tokens (B x N_tokens x C) and
            image tokens (B x hw x C).
        """
        # BxCxHxW -> BxHWxC == B x N_image_tokens x C, made contiguous once
        # (free for channels-last inputs) so that no later op works on a
        # strided view
        image_embedding = image_embedding.flatten(2).transpose(1,
                                                               2).contiguous()
        image_pe = image_pe.flatten(2).transpose(1, 2).contiguous()

        # Prepare queries
        queries = point_embedding
        keys = image_embedding

        # Apply transformer blocks
        for layer in self.layers:
            queries, keys = layer(
                queries=queries,
                keys=keys,
                query_pe=point_embedding,
                key_pe=image_pe)

        # Apply the final attention layer from the tokens to the image
        q = queries + point_embedding
        k = keys + image_pe
        queries = queries + self.final_attn_token_to_image(q=q, k=k, v=keys)
        queries = self.norm_final_attn(queries)

        return queries, keys
