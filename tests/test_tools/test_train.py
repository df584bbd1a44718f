# Copyright (c) segface-mmseg contributors. All rights reserved.
"""tools/train.py and tools/test.py end to end, on the CPU.

- training with validations and checkpoints inside the run keeps every
  parameter learning, in one process and in 2 (torchrun, gloo, DDP with
  ``find_unused_parameters=False``);
- (a run killed and resumed with ``--resume``: test_fault_injection.py);
- tools/test.py scores the result with the paper-protocol metric.
"""
import glob
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from PIL import Image

from tests.helpers.training import ZERO_GRADIENT_PARAMETERS, run_dist_script
from tests.helpers.utils import (build_model, demo_batch, run_script,
                                 tiny_runner_config, tool, write_mmseg_layout)

# validate and save at 2, 4 and 6
LEARNING_ITERS = 6
INTERVAL = 2


def _load(path):
    return torch.load(path, map_location='cpu', weights_only=True)


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('data')
    write_mmseg_layout(str(root), splits=('train', 'val'), num_images=4)
    return root


def _config_file(tmp_path, data_root, **changes):
    cfg = tiny_runner_config(
        tmp_path / 'unused',
        data_root,
        LEARNING_ITERS,
        val_interval=INTERVAL,
        ckpt_interval=INTERVAL)
    cfg.merge_from_dict(changes)
    path = str(tmp_path / 'tiny.py')
    cfg.dump(path)
    return path


def _assert_every_parameter_learned(config, work_dir, iters, exempt=()):
    """Each trainable parameter (but ``exempt``) differs between consecutive
    checkpoints (validations ran between them), the fusion neck's
    included."""
    names = [
        name
        for name, p in build_model(Config.fromfile(config)).named_parameters()
        if p.requires_grad and name not in exempt
    ]
    assert {'neck.fuse_conv.weight', 'neck.level_projs.0.weight'} <= set(names)
    states = [_load(work_dir / f'iter_{i}.pth')['state_dict'] for i in iters]
    for (i, a), (j, b) in zip(zip(iters, states), zip(iters[1:], states[1:])):
        unchanged = [name for name in names if torch.equal(a[name], b[name])]
        assert not unchanged, (f'{len(unchanged)} parameters unchanged from '
                               f'iteration {i} to {j}: {unchanged[:5]}')


def _zero_gradient_parameters(config):
    """Trainable parameters whose gradient vanishes in float64 (below 1e-8
    of the largest), at the config's input size."""
    cfg = Config.fromfile(config)
    model = build_model(cfg).double().train()
    size = cfg.model.data_preprocessor.size
    data = model.data_preprocessor(
        demo_batch(2, *size, model.decode_head.num_classes), True)
    losses = model(data['inputs'].double(), data['data_samples'], 'loss')
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    grads = {
        name: p.grad.abs().max().item()
        for name, p in model.named_parameters() if p.requires_grad
    }
    largest = max(grads.values())
    return {name for name, g in grads.items() if g <= 1e-8 * largest}


def _assert_validated_at(log, iters):
    for i in iters:
        assert f'Saving checkpoint at {i} iterations' in log
    assert log.count('per-class results at network input (paper) '
                     'resolution') == len(iters)


def test_training_with_validations_inside_keeps_every_parameter_learning(
        tmp_path, data_root):
    config = _config_file(tmp_path, data_root)
    work_dir = tmp_path / 'work'
    code, out = run_script(
        tool('tools', 'train.py') +
        [config, '--work-dir', str(work_dir)])
    assert code == 0, out[-3000:]
    iters = list(range(INTERVAL, LEARNING_ITERS + 1, INTERVAL))
    _assert_validated_at(out, iters)
    _assert_every_parameter_learned(config, work_dir, iters)


def test_amp_training_on_the_cpu_runs_bf16_and_keeps_every_parameter_learning(
        tmp_path, data_root):
    """``--amp`` without a GPU: CPUAmpOptimWrapper, logits computed in bf16
    at every iteration, every parameter learning across validations."""
    config = _config_file(
        tmp_path,
        data_root,
        custom_imports=dict(
            imports=['segface_mmseg', 'tests.helpers.dtype_probe_hook'],
            allow_failed_imports=False),
        custom_hooks=[dict(type='LogitsDtypeProbeHook')])
    work_dir = tmp_path / 'amp'
    code, out = run_script(
        tool('tools', 'train.py') +
        [config, '--work-dir', str(work_dir), '--amp'])
    assert code == 0, out[-3000:]
    assert 'AMP training: CPUAmpOptimWrapper' in out
    assert out.count('training logits dtype: torch.bfloat16') == \
        LEARNING_ITERS, out[-3000:]
    assert 'training logits dtype: torch.float32' not in out
    iters = list(range(INTERVAL, LEARNING_ITERS + 1, INTERVAL))
    _assert_validated_at(out, iters)
    # in fp32 AdamW turns the rounding noise in the gradients of these into
    # full steps; in bf16 some of them are exact zeros
    exempt = _zero_gradient_parameters(config)
    assert exempt == ZERO_GRADIENT_PARAMETERS
    _assert_every_parameter_learned(config, work_dir, iters, exempt)
    # fp32 weights and optimizer state, no loss scaler
    full = _load(work_dir / f'iter_{LEARNING_ITERS}.pth')
    assert 'loss_scaler' not in full['optimizer']
    assert all(v.dtype == torch.float32 for v in full['state_dict'].values()
               if v.is_floating_point())


def test_two_process_gloo_training_learns_across_validations_and_saves(
        tmp_path, data_root):
    config = _config_file(tmp_path, data_root)
    work_dir = tmp_path / 'dist'
    output = run_dist_script('dist_train.sh', config, '2', '--work-dir',
                             str(work_dir))
    log = open(glob.glob(str(work_dir / '*' / '*.log'))[0]).read()
    assert 'Distributed training: True' in log
    assert 'GPU number: 2' in log  # mmengine's name for the world size
    assert 'distributed with gloo on CPU, rank 0 of 2' in output
    assert 'find_unused_parameters=False' in log
    iters = list(range(INTERVAL, LEARNING_ITERS + 1, INTERVAL))
    _assert_validated_at(log, iters)
    _assert_every_parameter_learned(config, work_dir, iters)
    # the last full checkpoint, named in last_checkpoint, and its slim copy
    last = open(work_dir / 'last_checkpoint').read().strip()
    assert osp.basename(last) == f'iter_{LEARNING_ITERS}.pth'
    full = _load(last)
    assert full['meta']['iter'] == LEARNING_ITERS
    assert {'state_dict', 'optimizer', 'param_schedulers'} <= set(full)
    slim = glob.glob(str(work_dir / f'iter_{LEARNING_ITERS}-*.pth'))
    assert len(slim) == 1
    slim = _load(slim[0])
    assert set(slim) == {'meta', 'state_dict'}
    for key, value in full['state_dict'].items():
        assert torch.equal(slim['state_dict'][key], value), key

    # tools/test.py scores it with the paper-protocol metric
    code, out = run_script(
        tool('tools', 'test.py') + [
            config, last, '--work-dir',
            str(tmp_path / 'test'), '--out',
            str(tmp_path / 'preds')
        ])
    assert code == 0, out[-3000:]
    # --out: one predicted label map per test image
    preds = sorted(os.listdir(tmp_path / 'preds'))
    assert preds == ['0.png', '1.png', '2.png', '3.png']
    pred = np.asarray(Image.open(tmp_path / 'preds' / '0.png'))
    assert pred.shape == (32, 32) and pred.max() < 19
    results = glob.glob(str(tmp_path / 'test' / '*' / '*.json'))
    metrics = json.load(open(results[0]))
    assert 0 <= metrics['mF1'] <= 100 and 'mF1_native' in metrics
    assert 'per-class results at network input (paper) resolution' in out
