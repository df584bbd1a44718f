# Copyright (c) segface-mmseg contributors. All rights reserved.
from .atomic_local_backend import AtomicLocalBackend
from .checkpoint_files import (CheckpointError, checkpoint_problem,
                               find_resumable_checkpoint, read_checkpoint)
from .cpu_distributed import setup_launcher, sync_bn_to_bn
from .hooks import SafeCheckpointHook

__all__ = [
    'AtomicLocalBackend', 'CheckpointError', 'SafeCheckpointHook',
    'checkpoint_problem', 'find_resumable_checkpoint', 'read_checkpoint',
    'setup_launcher', 'sync_bn_to_bn'
]
