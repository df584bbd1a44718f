# Copyright (c) segface-mmseg contributors. All rights reserved.
from .checkpoint_globals import (mmengine_checkpoint_globals,
                                 register_checkpoint_globals)
from .cpu_distributed import setup_launcher, sync_bn_to_bn

register_checkpoint_globals()

__all__ = [
    'mmengine_checkpoint_globals', 'register_checkpoint_globals',
    'setup_launcher', 'sync_bn_to_bn'
]
