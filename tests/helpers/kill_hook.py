# Copyright (c) segface-mmseg contributors. All rights reserved.
"""A hook that kills its own training process (for the resume test)."""
import os
import signal

from mmengine.hooks import Hook
from mmseg.registry import HOOKS


@HOOKS.register_module()
class KillAfterIterHook(Hook):
    """Send SIGKILL to the process after training iteration ``iters``.

    Args:
        iters (int): 1-based iteration after which the process dies.
    """
    priority = 'LOWEST'  # after the checkpoint hook

    def __init__(self, iters: int) -> None:
        self.iters = iters

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None) -> None:
        if runner.iter + 1 == self.iters:
            os.kill(os.getpid(), signal.SIGKILL)
