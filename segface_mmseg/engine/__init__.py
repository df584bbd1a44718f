# Copyright (c) segface-mmseg contributors. All rights reserved.
from .checkpoint_globals import (mmengine_checkpoint_globals,
                                 register_checkpoint_globals)

register_checkpoint_globals()

__all__ = ['mmengine_checkpoint_globals', 'register_checkpoint_globals']
