# Copyright (c) segface-mmseg contributors. All rights reserved.
from .class_transfer_hook import ClassTransferHook
from .safe_checkpoint_hook import SafeCheckpointHook

__all__ = ['ClassTransferHook', 'SafeCheckpointHook']
