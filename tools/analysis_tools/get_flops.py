# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Parameters and multiply-accumulates (GMACs) of SegFace configs.

mmseg 1.2.2's own ``tools/analysis_tools/get_flops.py`` stops with
``"input_shape" and "inputs" cannot be both set`` under mmengine 0.10.7,
so this replaces it. Two counters:

- ``torch`` (default): ``torch.utils.flop_counter.FlopCounterMode``, the
  counter of the official numbers in the model zoo (it counts matmuls,
  convolutions and attention, not norms, activations or resizes), with
  the CPU kernel of ``scaled_dot_product_attention`` registered (torch
  does not count it on the CPU otherwise);
- ``mmengine``: what mmseg's script uses (a jit-trace counter); it skips
  ``scaled_dot_product_attention`` and others, so it counts less.

Two columns: the MLP fusion neck unfolded (the official computation:
Linear per level, 1x1 fuse conv at stride 4) and folded, as this package
runs it in training and inference (one linear map per level at its own
resolution).

Example:
    python tools/analysis_tools/get_flops.py \
        configs/segface/segface_swin-b_8xb4-300e_celebamask-hq-512x512.py \
        --shape 512
"""
import argparse
import os.path as osp

import torch
from mmengine.config import DictAction
from torch.utils.flop_counter import FlopCounterMode, sdpa_flop_count

from segface_mmseg.apis import build_segmentor, network_input_size


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Params and GMACs of SegFace configs')
    parser.add_argument('configs', nargs='+', help='config files')
    parser.add_argument(
        '--shape',
        type=int,
        nargs='+',
        default=None,
        help='input H [W] (default: the config\'s network size)')
    parser.add_argument(
        '--counter',
        choices=['torch', 'mmengine'],
        default='torch',
        help='FLOP counter (default: %(default)s)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the configs, key=value')
    return parser.parse_args(argv)


def _sdpa_cpu_flops(query, key, value, *args, out_shape=None, **kwargs):
    return sdpa_flop_count(query, key, value)


def count_macs_torch(model, shape, warm_up=True):
    """Multiply-accumulates of one forward with FlopCounterMode.

    Args:
        model (nn.Module): Segmentor in eval mode.
        shape (tuple[int, int]): ``(H, W)`` of a batch-1 input.
        warm_up (bool): Run once before counting, so cached work (the
            folded neck's weights, computed once per weight update) is not
            counted. Default: True.

    Returns:
        float: MACs (FlopCounterMode's FLOPs / 2).
    """
    x = torch.rand(1, 3, *shape)
    flags = [p.requires_grad for p in model.parameters()]
    model.requires_grad_(False)  # its module tracker needs no grad
    try:
        with torch.no_grad():
            if warm_up:
                model(x, mode='tensor')
            counter = FlopCounterMode(
                display=False,
                custom_mapping={
                    torch.ops.aten._scaled_dot_product_flash_attention_for_cpu:
                    _sdpa_cpu_flops
                })
            with counter:
                model(x, mode='tensor')
    finally:
        for p, flag in zip(model.parameters(), flags):
            p.requires_grad_(flag)
    return counter.get_total_flops() / 2


def count_macs_mmengine(model, shape, warm_up=False):
    """MACs with mmengine's counter (as mmseg's get_flops.py intends).

    ``warm_up`` is unused: the jit trace runs with autograd on, so the
    folded neck's weights are computed (and counted) in every trace.
    """
    from mmengine.analysis import FlopAnalyzer
    x = torch.rand(1, 3, *shape)
    with torch.no_grad():
        analyzer = FlopAnalyzer(_TensorForward(model), (x, ))
        analyzer.unsupported_ops_warnings(False)
        analyzer.uncalled_modules_warnings(False)
        return float(analyzer.total())


class _TensorForward(torch.nn.Module):
    """``model(x, mode='tensor')`` as a plain module, for jit tracing."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x, mode='tensor')


def complexity(model, shape, counter='torch'):
    """Params and MACs, the neck unfolded (official) and folded.

    Returns:
        dict: ``params``, ``macs_unfolded``, ``macs_folded``.
    """
    count = count_macs_torch if counter == 'torch' else count_macs_mmengine
    neck = getattr(model, 'neck', None)
    has_fold = neck is not None and hasattr(neck, 'fold')
    result = dict(params=sum(p.numel() for p in model.parameters()))
    if has_fold:
        saved = neck.fold
        neck.fold = False
        result['macs_unfolded'] = count(model, shape, warm_up=False)
        neck.fold = True
        result['macs_folded'] = count(model, shape)
        neck.fold = saved
    else:
        result['macs_unfolded'] = result['macs_folded'] = count(model, shape)
    return result


def network_shape(cfg, shape=None):
    if shape:
        return (shape[0], shape[-1])
    try:
        return network_input_size(cfg)
    except ValueError as error:
        raise SystemExit(f'{error}: pass --shape')


def main(argv=None):
    args = parse_args(argv)
    if args.counter == 'torch':
        print('counter: torch FlopCounterMode (+ CPU SDPA); MACs = its '
              'FLOPs / 2')
    else:
        print('counter: mmengine (fvcore convention: its "flops" are MACs)')
    print('| config | input | params (M) | GMACs, official (unfolded neck) | '
          'GMACs, folded neck |')
    print('|---|---|---|---|---|')
    for config in args.configs:
        model, cfg, _ = build_segmentor(config, cfg_options=args.cfg_options)
        shape = network_shape(cfg, args.shape)
        r = complexity(model, shape, args.counter)
        name = osp.splitext(osp.basename(config))[0]
        print(
            f'| {name} | {shape[0]}x{shape[1]} | {r["params"] / 1e6:.3f} | '
            f'{r["macs_unfolded"] / 1e9:.2f} | '
            f'{r["macs_folded"] / 1e9:.2f} |',
            flush=True)


if __name__ == '__main__':
    main()
