# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Distributed training and testing on machines without a GPU.

mmengine's own distributed setup calls ``torch.cuda.set_device`` before it
creates the process group, and wraps the model in DDP with CUDA device ids;
both fail without a GPU. mmengine skips its setup when a process group
already exists, so on a CPU-only machine :func:`setup_launcher` creates the
group itself with the gloo backend, before the Runner is built, and adapts
the config: gloo in ``env_cfg.dist_cfg``, DDP without device ids, BN instead
of SyncBN. With a GPU, or without a launcher, it only records the launcher.
"""
import os
import subprocess
from datetime import timedelta

import torch
import torch.distributed as dist
from mmengine.config import Config, ConfigDict
from mmengine.logging import print_log

LAUNCHERS = ('none', 'pytorch', 'slurm', 'mpi')


def _set_env_from_scheduler(launcher: str) -> None:
    """Fill the torch.distributed env variables from the launcher's.

    torchrun ('pytorch') sets them already; slurm and mpi are mapped as
    mmengine maps them (``MASTER_PORT`` defaults to 29500).
    """
    env = os.environ
    if launcher == 'slurm':
        env['RANK'] = env['SLURM_PROCID']
        env['WORLD_SIZE'] = env['SLURM_NTASKS']
        env['LOCAL_RANK'] = env.get('SLURM_LOCALID', '0')
        if 'MASTER_ADDR' not in env:
            env['MASTER_ADDR'] = subprocess.getoutput(
                f'scontrol show hostname {env["SLURM_NODELIST"]} | head -n1')
    elif launcher == 'mpi':
        env['RANK'] = env['OMPI_COMM_WORLD_RANK']
        env['WORLD_SIZE'] = env['OMPI_COMM_WORLD_SIZE']
        env['LOCAL_RANK'] = env.get('OMPI_COMM_WORLD_LOCAL_RANK', '0')
        if 'MASTER_ADDR' not in env:
            raise KeyError('the environment variable MASTER_ADDR is not set')
    env.setdefault('MASTER_PORT', '29500')
    missing = [
        k for k in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR') if k not in env
    ]
    if missing:
        raise KeyError(f'--launcher {launcher} needs the environment '
                       f'variables {missing}; start the job with torchrun '
                       '(tools/dist_train.sh), srun or mpirun')


def sync_bn_to_bn(cfg):
    """Replace every ``SyncBN`` norm type in a config tree by ``BN``.

    Args:
        cfg: A config, dict or list (changed in place).

    Returns:
        int: The number of norm configs changed.
    """
    changed = 0
    if isinstance(cfg, dict):
        if cfg.get('type') in ('SyncBN', 'MMSyncBN'):
            cfg['type'] = 'BN'
            changed += 1
        for value in cfg.values():
            changed += sync_bn_to_bn(value)
    elif isinstance(cfg, (list, tuple)):
        for value in cfg:
            changed += sync_bn_to_bn(value)
    return changed


def setup_launcher(cfg: Config, launcher: str) -> Config:
    """Set ``cfg.launcher``; on a machine without CUDA, start gloo.

    Call it in a training or testing script after the config is loaded and
    before the Runner is built. For a distributed launcher (``pytorch``,
    ``slurm``, ``mpi``) on a machine without CUDA it:

    1. creates the default process group with the gloo backend (from the
       launcher's environment variables), so that mmengine skips its
       CUDA-only setup;
    2. sets ``env_cfg.dist_cfg.backend='gloo'``;
    3. wraps the model in ``MMDistributedDataParallel`` with
       ``device_ids=None`` (keeping ``broadcast_buffers=False`` and
       ``find_unused_parameters`` as mmengine's default wrapper does);
    4. replaces SyncBN by BN in the model and drops ``cfg.sync_bn``.

    Args:
        cfg (Config): The loaded config, changed in place.
        launcher (str): One of ``none``, ``pytorch``, ``slurm``, ``mpi``.

    Returns:
        Config: ``cfg``.
    """
    if launcher not in LAUNCHERS:
        raise ValueError(f'launcher must be one of {LAUNCHERS}, got '
                         f'{launcher!r}')
    cfg.launcher = launcher
    if launcher == 'none' or torch.cuda.is_available():
        return cfg

    # 1. the process group, unless the caller made one already
    env_cfg = cfg.setdefault('env_cfg', ConfigDict())
    dist_cfg = env_cfg.setdefault('dist_cfg', ConfigDict())
    if not dist.is_initialized():
        _set_env_from_scheduler(launcher)
        kwargs = {}
        if dist_cfg.get('timeout') is not None:
            kwargs['timeout'] = timedelta(seconds=dist_cfg['timeout'])
        dist.init_process_group(backend='gloo', **kwargs)

    # 2.-4. the config
    dist_cfg['backend'] = 'gloo'
    wrapper = ConfigDict(
        type='MMDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper.update(cfg.get('model_wrapper_cfg') or {})
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    changed = sync_bn_to_bn(cfg.model)
    if cfg.get('sync_bn') is not None:
        cfg.sync_bn = None
        changed += 1
    print_log(
        f'No CUDA: distributed with gloo on CPU, rank {dist.get_rank()} of '
        f'{dist.get_world_size()}, DDP without device ids' +
        (', SyncBN replaced by BN' if changed else ''),
        logger='current')
    return cfg
