# Copyright (c) segface-mmseg contributors. All rights reserved.
"""CPUAmpOptimWrapper: bf16 forward on the CPU, fp32 parameters, gradients
and optimizer state; and the choice of wrapper made by ``--amp``."""
import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.optim import AmpOptimWrapper, build_optim_wrapper
from mmengine.registry import init_default_scope

from segface_mmseg.engine import (CPUAmpOptimWrapper, amp_optim_wrapper_type,
                                  enable_amp)


def _wrapper(model, **extra):
    # as in a run: the configs' default scope is mmseg's registries
    init_default_scope('mmseg')
    return build_optim_wrapper(
        model,
        dict(
            type='CPUAmpOptimWrapper',
            optimizer=dict(type='AdamW', lr=1e-2),
            **extra))


def test_built_from_config_by_registry_name():
    wrapper = _wrapper(nn.Linear(4, 2))
    assert type(wrapper) is CPUAmpOptimWrapper
    assert wrapper.cast_dtype is torch.bfloat16


def test_forward_in_bf16_update_in_fp32():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    before = [p.detach().clone() for p in model.parameters()]
    wrapper = _wrapper(model)
    x, target = torch.randn(5, 8), torch.tensor([0, 1, 2, 0, 1])
    with wrapper.optim_context(model):
        logits = model(x)
        loss = nn.functional.cross_entropy(logits, target)
    # matmuls in bf16; the cross-entropy on torch's fp32 list
    assert logits.dtype is torch.bfloat16
    assert loss.dtype is torch.float32
    # outside the context: fp32 again
    assert model(x).dtype is torch.float32

    wrapper.update_params(loss)
    for p, p0 in zip(model.parameters(), before):
        assert p.dtype is torch.float32 and p.grad is None  # zeroed
        assert not torch.equal(p, p0)
    state = wrapper.state_dict()
    assert 'loss_scaler' not in state
    exp_avg = next(iter(state['state'].values()))['exp_avg']
    assert exp_avg.dtype is torch.float32


def test_gradients_close_to_fp32_ones():
    """The same step in fp32 and under the wrapper: gradients agree to bf16
    precision (no loss scale to undo)."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(32, 64), nn.GELU(), nn.Linear(64, 5))
    x, target = torch.randn(64, 32), torch.randint(0, 5, (64, ))
    grads = []
    for context in (None, _wrapper(model)):
        model.zero_grad()
        with (context.optim_context(model) if context else torch.autocast(
                'cpu', enabled=False)):
            loss = nn.functional.cross_entropy(model(x), target)
        loss.backward()
        grads.append([p.grad.clone() for p in model.parameters()])
    for fp32, bf16 in zip(*grads):
        scale = fp32.abs().max()
        assert (fp32 - bf16).abs().max() <= 0.05 * scale
        assert not torch.equal(fp32, bf16)  # bf16 did run


def test_only_bfloat16():
    with pytest.raises(ValueError, match='bfloat16 only'):
        _wrapper(nn.Linear(2, 2), dtype='float16')


def test_amp_wrapper_per_device():
    assert amp_optim_wrapper_type('cpu') == 'CPUAmpOptimWrapper'
    assert amp_optim_wrapper_type('cuda') == 'AmpOptimWrapper'
    # this machine has no GPU: mmengine's device is the CPU
    assert amp_optim_wrapper_type() == 'CPUAmpOptimWrapper'
    with pytest.raises(ValueError, match="'mps'"):
        amp_optim_wrapper_type('mps')
    # mmengine's own wrapper still refuses the CPU
    with pytest.raises(AssertionError, match='only available'):
        AmpOptimWrapper(
            optimizer=torch.optim.SGD([nn.Parameter(torch.ones(1))], lr=1))


def test_enable_amp_changes_only_a_plain_wrapper():
    cfg = Config(dict(optim_wrapper=dict(type='OptimWrapper')))
    enable_amp(cfg, 'cpu')
    assert cfg.optim_wrapper.type == 'CPUAmpOptimWrapper'
    assert 'loss_scale' not in cfg.optim_wrapper
    cfg = Config(dict(optim_wrapper=dict(type='OptimWrapper')))
    enable_amp(cfg, 'cuda')
    assert cfg.optim_wrapper.to_dict() == dict(
        type='AmpOptimWrapper', loss_scale='dynamic')
    # already mixed precision: unchanged
    cfg = Config(dict(optim_wrapper=dict(type='AmpOptimWrapper')))
    enable_amp(cfg, 'cpu')
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    with pytest.raises(ValueError, match='OptimWrapperX'):
        enable_amp(Config(dict(optim_wrapper=dict(type='OptimWrapperX'))))
