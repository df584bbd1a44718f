# Copyright (c) segface-mmseg contributors. All rights reserved.
import socket

import pytest
import torch
import torch.distributed as dist
from mmengine.config import Config

from segface_mmseg.engine import setup_launcher, sync_bn_to_bn


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _config(**extra):
    return Config(
        dict(
            model=dict(
                backbone=dict(norm_cfg=dict(type='SyncBN', eps=1e-3)),
                decode_head=dict(
                    norm_cfg=dict(type='SyncBN'),
                    loss_decode=[dict(type='CrossEntropyLoss')]),
                auxiliary_head=[dict(norm_cfg=dict(type='BN'))]),
            env_cfg=dict(dist_cfg=dict(backend='nccl')),
            **extra))


@pytest.fixture
def no_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    for key in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR',
                'MASTER_PORT', 'SLURM_PROCID', 'SLURM_NTASKS',
                'SLURM_NODELIST', 'SLURM_LOCALID'):
        monkeypatch.delenv(key, raising=False)
    yield monkeypatch
    if dist.is_initialized():
        dist.destroy_process_group()


def test_sync_bn_to_bn_walks_dicts_and_lists():
    cfg = _config()
    assert sync_bn_to_bn(cfg.model) == 2
    assert cfg.model.backbone.norm_cfg == dict(type='BN', eps=1e-3)
    assert cfg.model.decode_head.norm_cfg.type == 'BN'
    assert cfg.model.auxiliary_head[0].norm_cfg.type == 'BN'
    assert cfg.model.decode_head.loss_decode[0].type == 'CrossEntropyLoss'
    assert sync_bn_to_bn(cfg.model) == 0


def test_no_launcher_changes_nothing_but_the_launcher(no_cuda):
    cfg = _config()
    setup_launcher(cfg, 'none')
    assert cfg.launcher == 'none'
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'
    assert 'model_wrapper_cfg' not in cfg
    assert cfg.model.backbone.norm_cfg.type == 'SyncBN'
    assert not dist.is_initialized()


def test_torchrun_on_cpu_starts_gloo_and_adapts_the_config(no_cuda):
    no_cuda.setenv('RANK', '0')
    no_cuda.setenv('WORLD_SIZE', '1')
    no_cuda.setenv('MASTER_ADDR', '127.0.0.1')
    no_cuda.setenv('MASTER_PORT', str(_free_port()))
    cfg = _config(find_unused_parameters=True, sync_bn='torch')
    setup_launcher(cfg, 'pytorch')
    assert dist.is_initialized()
    assert dist.get_backend() == 'gloo'
    assert dist.get_world_size() == 1
    assert cfg.launcher == 'pytorch'
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'
    assert cfg.model_wrapper_cfg == dict(
        type='MMDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=True,
        device_ids=None)
    assert cfg.model.backbone.norm_cfg.type == 'BN'
    assert cfg.sync_bn is None
    # a second call (the group exists) only adapts the config
    cfg2 = _config(
        model_wrapper_cfg=dict(
            type='MMDistributedDataParallel',
            device_ids=[0],
            static_graph=True))
    setup_launcher(cfg2, 'pytorch')
    assert cfg2.model_wrapper_cfg.device_ids is None
    assert cfg2.model_wrapper_cfg.static_graph is True


def test_slurm_variables_are_mapped(no_cuda):
    no_cuda.setenv('SLURM_PROCID', '0')
    no_cuda.setenv('SLURM_NTASKS', '1')
    no_cuda.setenv('SLURM_NODELIST', 'node-1')
    no_cuda.setenv('MASTER_ADDR', '127.0.0.1')
    no_cuda.setenv('MASTER_PORT', str(_free_port()))
    setup_launcher(_config(), 'slurm')
    assert dist.get_rank() == 0 and dist.get_world_size() == 1


def test_missing_launcher_environment_is_explained(no_cuda):
    with pytest.raises(KeyError, match='torchrun'):
        setup_launcher(_config(), 'pytorch')
    assert not dist.is_initialized()


def test_unknown_launcher():
    with pytest.raises(ValueError, match='launcher must be one of'):
        setup_launcher(_config(), 'ssh')
