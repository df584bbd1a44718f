# Copyright (c) segface-mmseg contributors. All rights reserved.
"""A hook that prints the dtype of the training logits (for the AMP test)."""
from mmengine.hooks import Hook
from mmseg.registry import HOOKS


@HOOKS.register_module()
class LogitsDtypeProbeHook(Hook):
    """Print ``training logits dtype: <dtype>`` at every training forward:
    the dtype of the logits that reach the first loss of the decode head
    (``BaseDecodeHead.loss`` calls ``forward`` directly, so the head itself
    cannot be hooked)."""

    def before_train(self, runner) -> None:
        model = getattr(runner.model, 'module', runner.model)

        def report(module, inputs):
            print(f'training logits dtype: {inputs[0].dtype}', flush=True)

        model.decode_head.loss_decode[0].register_forward_pre_hook(report)
