# Copyright (c) segface-mmseg contributors. All rights reserved.
from .safe_checkpoint_hook import SafeCheckpointHook

__all__ = ['SafeCheckpointHook']
