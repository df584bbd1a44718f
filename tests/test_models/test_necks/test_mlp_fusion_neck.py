# Copyright (c) segface-mmseg contributors. All rights reserved.
import pytest
import torch

from segface_mmseg.models import MLPFusionNeck
from segface_mmseg.testing import reference_neck

SWIN_B = [128, 256, 512, 1024]
MOBILENET_V3 = [24, 40, 112, 960]


def _features(channels, size, batch=2):
    h, w = size
    return [
        torch.randn(batch, c, h // 2**i, w // 2**i)
        for i, c in enumerate(channels)
    ]


def test_parameter_count_equals_official():
    neck = MLPFusionNeck(SWIN_B)
    projs = sum(p.numel() for p in neck.level_projs.parameters())
    fuse = sum(p.numel() for p in neck.fuse_conv.parameters())
    # SEGFACE_SPEC 2.1: linear_c 492,544 and linear_fuse 262,144
    assert projs == 492_544
    assert fuse == 262_144
    assert neck.fuse_conv.bias is None


@pytest.mark.parametrize('size', [(32, 32), (24, 40)])
def test_training_forward_matches_reference(size):
    neck = MLPFusionNeck(MOBILENET_V3).train()
    features = _features(MOBILENET_V3, size)
    (out, ) = neck(features)
    assert out.shape == (2, 256, *size)
    torch.testing.assert_close(
        out, reference_neck(neck, features), rtol=0, atol=1e-5)


@pytest.mark.parametrize('size', [(32, 32), (24, 40)])
def test_folded_inference_equals_unfused(size):
    neck = MLPFusionNeck(SWIN_B)
    features = _features(SWIN_B, size)
    with torch.no_grad():
        expected = reference_neck(neck, features)
        neck.eval()
        (folded, ) = neck(features)
    assert neck._folded_cache is not None  # the folded path really ran
    assert (folded - expected).abs().max() <= 1e-4


def test_folded_weights_follow_parameter_updates():
    neck = MLPFusionNeck(MOBILENET_V3).eval()
    features = _features(MOBILENET_V3, (16, 16))
    with torch.no_grad():
        neck(features)
        neck.level_projs[2].bias.add_(1.0)  # e.g. an optimizer step
        (out, ) = neck(features)
        expected = reference_neck(neck, features)
    assert (out - expected).abs().max() <= 1e-4


def test_folded_training_has_the_official_gradients():
    neck = MLPFusionNeck(MOBILENET_V3).train()
    features = _features(MOBILENET_V3, (24, 40))
    upstream = torch.randn(2, 256, 24, 40)
    grads = []
    for fold in (True, False):  # folded, then the official computation
        neck.fold = fold
        neck.zero_grad()
        (out, ) = neck(features)
        (out * upstream).sum().backward()
        grads.append({n: p.grad.clone() for n, p in neck.named_parameters()})
    assert neck._folded_cache is None  # no stale weights kept in training
    for name, official in grads[1].items():
        torch.testing.assert_close(
            grads[0][name], official, rtol=1e-4, atol=1e-4, msg=name)


def test_gradients_flow_in_eval_mode_with_autograd():
    neck = MLPFusionNeck(MOBILENET_V3).eval()
    (out, ) = neck(_features(MOBILENET_V3, (16, 16)))
    out.sum().backward()
    assert all(p.grad is not None for p in neck.parameters())


def test_bad_arguments():
    with pytest.raises(ValueError, match='in_channels'):
        MLPFusionNeck([])
    with pytest.raises(ValueError, match='channels'):
        MLPFusionNeck([8, 16], channels=0)
    neck = MLPFusionNeck([8, 16])
    with pytest.raises(ValueError, match='expects 2 levels, got 1'):
        neck([torch.randn(1, 8, 4, 4)])
