# Copyright (c) segface-mmseg contributors. All rights reserved.
from ..utils.deprecation import deprecated_aliases
from .atomic_local_backend import AtomicLocalBackend
from .cpu_distributed import setup_launcher, sync_bn_to_bn
from .hooks import SafeCheckpointHook
from .optim_wrappers import (CPUAmpOptimWrapper, amp_optim_wrapper_type,
                             enable_amp)

__all__ = [
    'AtomicLocalBackend', 'CPUAmpOptimWrapper', 'SafeCheckpointHook',
    'amp_optim_wrapper_type', 'enable_amp', 'setup_launcher', 'sync_bn_to_bn'
]

# moved to segface_mmseg.checkpoints (the floor every loader stands on)
__getattr__ = deprecated_aliases(
    __name__, {
        name: f'segface_mmseg.checkpoints.{name}'
        for name in ('CheckpointError', 'checkpoint_problem',
                     'find_resumable_checkpoint', 'read_checkpoint')
    })
