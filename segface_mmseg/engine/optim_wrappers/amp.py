# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Mixed precision for ``tools/train.py --amp`` on any device."""
import logging
from typing import Optional

from mmengine.config import Config
from mmengine.device import get_device
from mmengine.logging import print_log

# devices on which mmengine's AmpOptimWrapper runs
_ACCELERATORS = ('cuda', 'npu', 'mlu', 'musa')
_AMP_TYPES = ('AmpOptimWrapper', 'CPUAmpOptimWrapper')


def amp_optim_wrapper_type(device: Optional[str] = None) -> str:
    """The mixed-precision optimizer wrapper for ``device``.

    Args:
        device (str, optional): ``'cuda'``, ``'cpu'``, ... Default: the
            device mmengine trains on (``mmengine.device.get_device()``).

    Returns:
        str: ``'AmpOptimWrapper'`` (mmengine's, fp16 with dynamic loss
        scaling) on accelerators, ``'CPUAmpOptimWrapper'`` (bf16) on the
        CPU.
    """
    device = device or get_device()
    if device in _ACCELERATORS:
        return 'AmpOptimWrapper'
    if device == 'cpu':
        return 'CPUAmpOptimWrapper'
    raise ValueError(f'mixed-precision training is not supported on '
                     f"'{device}' (supported: {', '.join(_ACCELERATORS)}, "
                     'cpu)')


def enable_amp(cfg: Config, device: Optional[str] = None) -> None:
    """Switch a config's ``OptimWrapper`` to mixed precision, in place.

    Args:
        cfg (Config): A training config with ``optim_wrapper``.
        device (str, optional): See :func:`amp_optim_wrapper_type`.

    Raises:
        ValueError: The config's wrapper is neither ``OptimWrapper`` nor a
            mixed-precision one.
    """
    current = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if current in _AMP_TYPES:
        print_log(
            f'AMP training is already enabled in your config ({current}).',
            logger='current',
            level=logging.WARNING)
        return
    if current != 'OptimWrapper':
        raise ValueError('`--amp` is only supported when the optimizer '
                         'wrapper type is `OptimWrapper` but got '
                         f'{current}.')
    wrapper = amp_optim_wrapper_type(device)
    cfg.optim_wrapper.type = wrapper
    if wrapper == 'AmpOptimWrapper':
        cfg.optim_wrapper.loss_scale = 'dynamic'
    print_log(f'AMP training: {wrapper}', logger='current', level=logging.INFO)
