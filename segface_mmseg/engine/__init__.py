# Copyright (c) segface-mmseg contributors. All rights reserved.
from .atomic_local_backend import AtomicLocalBackend
from .checkpoint_files import (CheckpointError, checkpoint_problem,
                               find_resumable_checkpoint, read_checkpoint)
from .cpu_distributed import setup_launcher, sync_bn_to_bn
from .hooks import SafeCheckpointHook
from .optim_wrappers import (CPUAmpOptimWrapper, amp_optim_wrapper_type,
                             enable_amp)

__all__ = [
    'AtomicLocalBackend', 'CheckpointError', 'CPUAmpOptimWrapper',
    'SafeCheckpointHook', 'amp_optim_wrapper_type', 'enable_amp',
    'checkpoint_problem', 'find_resumable_checkpoint', 'read_checkpoint',
    'setup_launcher', 'sync_bn_to_bn'
]
