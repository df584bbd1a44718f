# Copyright (c) segface-mmseg contributors. All rights reserved.
import math

import pytest
import torch

from segface_mmseg.models.utils import Attention, TwoWayTransformer


def test_attention_equals_explicit_softmax():
    attn = Attention(16, num_heads=2, downsample_rate=2)
    q, k = torch.randn(2, 3, 16), torch.randn(2, 5, 16)
    v = torch.randn(2, 5, 16)
    out = attn(q, k, v)
    # by hand: project, split into 2 heads of 4, softmax(q k^T / 2) v
    qh = attn.q_proj(q).reshape(2, 3, 2, 4).transpose(1, 2)
    kh = attn.k_proj(k).reshape(2, 5, 2, 4).transpose(1, 2)
    vh = attn.v_proj(v).reshape(2, 5, 2, 4).transpose(1, 2)
    weights = torch.softmax(qh @ kh.transpose(2, 3) / math.sqrt(4), dim=-1)
    expected = attn.out_proj((weights @ vh).transpose(1, 2).reshape(2, 3, 8))
    torch.testing.assert_close(out, expected, rtol=0, atol=1e-6)


def test_shapes_and_internal_dims():
    transformer = TwoWayTransformer(
        depth=2, embedding_dim=32, num_heads=4, mlp_dim=64)
    tokens, image = transformer(
        torch.randn(2, 32, 3, 5), torch.randn(1, 32, 3, 5),
        torch.randn(2, 7, 32))
    assert tokens.shape == (2, 7, 32)
    assert image.shape == (2, 15, 32)
    cross = transformer.layers[0].cross_attn_token_to_image
    assert cross.q_proj.weight.shape == (16, 32)  # downsample rate 2
    assert transformer.layers[0].skip_first_layer_pe
    assert not transformer.layers[1].skip_first_layer_pe


def test_bad_arguments():
    with pytest.raises(ValueError, match='depth'):
        TwoWayTransformer(depth=0)
    with pytest.raises(ValueError, match='num_heads'):
        Attention(30, num_heads=4)
