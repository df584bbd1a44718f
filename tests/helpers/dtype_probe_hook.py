# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Hooks that print the dtypes a run computes in (for the AMP tests)."""
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


@HOOKS.register_module()
class FeatureDtypeProbeHook(Hook):
    """Print ``test features dtype: <dtype>`` at every test forward: the
    dtype of the backbone's first feature map."""

    def before_test(self, runner) -> None:
        model = getattr(runner.model, 'module', runner.model)

        def report(module, inputs, outputs):
            print(f'test features dtype: {outputs[0].dtype}', flush=True)

        model.backbone.register_forward_hook(report)
