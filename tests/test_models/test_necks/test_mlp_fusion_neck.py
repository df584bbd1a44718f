# Copyright (c) segface-mmseg contributors. All rights reserved.
import pytest
import torch

from benchmarks.reference import reference_neck
from segface_mmseg.models import MLPFusionNeck

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
    # the official model's counts: linear_c 492,544 and linear_fuse 262,144
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
    assert (folded - expected).abs().max() <= 1e-4


def test_folded_output_is_in_the_token_layout():
    """The head views the map as B x hw x C tokens: channels-last memory
    makes that view free (an NCHW map would be copied, 16 MB at 512 px)."""
    neck = MLPFusionNeck(MOBILENET_V3)
    (out, ) = neck(_features(MOBILENET_V3, (16, 24)))
    tokens = out.flatten(2).transpose(1, 2)
    assert tokens.is_contiguous()
    assert tokens.data_ptr() == out.data_ptr()


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
    for name, official in grads[1].items():
        torch.testing.assert_close(
            grads[0][name], official, rtol=1e-4, atol=1e-4, msg=name)


def test_gradients_flow_in_eval_mode_with_autograd():
    neck = MLPFusionNeck(MOBILENET_V3).eval()
    (out, ) = neck(_features(MOBILENET_V3, (16, 16)))
    out.sum().backward()
    assert all(p.grad is not None for p in neck.parameters())


def _grads_after_backward(neck, features):
    neck.zero_grad(set_to_none=True)
    (out, ) = neck(features)
    out.square().mean().backward()
    return {name: p.grad for name, p in neck.named_parameters()}


def _assert_matches_reference(neck, features):
    with torch.no_grad():
        expected = reference_neck(neck, features)
    (out, ) = neck(features)
    assert (out.detach() - expected).abs().max() <= 1e-4


@pytest.mark.parametrize('eval_context', [torch.no_grad, torch.inference_mode])
def test_training_after_a_no_grad_evaluation_gets_every_gradient(eval_context):
    """train -> eval under no_grad / inference_mode -> train: the second
    training forward has a graph to every parameter (a validation inside a
    training run)."""
    neck = MLPFusionNeck(MOBILENET_V3)
    features = _features(MOBILENET_V3, (16, 16))
    neck.train()
    assert all(
        g is not None for g in _grads_after_backward(neck, features).values())
    neck.eval()
    with eval_context():
        neck(features)
    neck.train()
    grads = _grads_after_backward(neck, features)
    missing = [name for name, grad in grads.items() if grad is None]
    assert not missing, f'no gradient for {missing}'
    # and they are the official ones
    official = MLPFusionNeck(MOBILENET_V3, fold=False)
    official.load_state_dict(neck.state_dict())
    for name, grad in _grads_after_backward(official, features).items():
        torch.testing.assert_close(
            grads[name], grad, rtol=1e-4, atol=1e-5, msg=name)


def test_eval_with_grad_after_no_grad_gives_input_gradients():
    """Saliency / attribution: eval mode with autograd on, after a no_grad
    forward."""
    neck = MLPFusionNeck(MOBILENET_V3).eval()
    features = _features(MOBILENET_V3, (16, 16))
    with torch.no_grad():
        neck(features)
    features = [f.requires_grad_() for f in features]
    (out, ) = neck(features)
    out.sum().backward()
    assert all(f.grad is not None and f.grad.abs().sum() > 0 for f in features)
    assert all(p.grad is not None for p in neck.parameters())


@pytest.mark.parametrize('change', ['load_state_dict', 'ema', 'data_copy'])
def test_weights_changed_in_place_are_used(change):
    """load_state_dict, an EMA-style update and a ``.data`` copy (SWA)
    between two inference forwards."""
    neck = MLPFusionNeck(MOBILENET_V3).eval()
    other = MLPFusionNeck(MOBILENET_V3)
    features = _features(MOBILENET_V3, (16, 16))
    with torch.inference_mode():
        neck(features)
    with torch.no_grad():
        if change == 'load_state_dict':
            neck.load_state_dict(other.state_dict())
        elif change == 'ema':
            for p, q in zip(neck.parameters(), other.parameters()):
                p.mul_(0.5).add_(q, alpha=0.5)
        else:
            for p, q in zip(neck.parameters(), other.parameters()):
                p.data.copy_(q.data)
        _assert_matches_reference(neck, features)
    with torch.inference_mode():
        _assert_matches_reference(neck, features)


def test_compiled_neck_follows_mode_and_weight_changes():
    neck = MLPFusionNeck([8, 16, 24, 32], channels=16)
    compiled = torch.compile(neck)
    features = _features([8, 16, 24, 32], (16, 16))
    with torch.no_grad():
        compiled(features)
    neck.train()
    compiled.zero_grad(set_to_none=True)
    (out, ) = compiled(features)
    out.square().mean().backward()
    assert all(p.grad is not None for p in neck.parameters())
    neck.eval()
    with torch.no_grad():
        neck.fuse_conv.weight.mul_(2.0)
        (out, ) = compiled(features)
        expected = reference_neck(neck, features)
    assert (out - expected).abs().max() <= 1e-4


def test_bad_arguments():
    with pytest.raises(ValueError, match='in_channels'):
        MLPFusionNeck([])
    with pytest.raises(ValueError, match='channels'):
        MLPFusionNeck([8, 16], channels=0)
    neck = MLPFusionNeck([8, 16])
    with pytest.raises(ValueError, match='expects 2 levels, got 1'):
        neck([torch.randn(1, 8, 4, 4)])


def test_folded_weights_composed_in_fp32_under_mixed_precision():
    torch.manual_seed(0)
    neck = MLPFusionNeck([8, 16, 24, 32], channels=64)
    fp32 = neck.folded_weights()
    with torch.autocast('cpu', dtype=torch.bfloat16):
        mixed = neck.folded_weights()
        # the levels are still applied in bf16
        x = [
            torch.randn(1, c, 8 >> i, 8 >> i)
            for i, c in enumerate([8, 16, 24, 32])
        ]
        out, = neck(x)
    assert out.dtype == torch.bfloat16
    for (w, b), (w32, b32) in zip(mixed, fp32):
        assert w.dtype == b.dtype == torch.float32
        assert torch.equal(w, w32) and torch.equal(b, b32)
