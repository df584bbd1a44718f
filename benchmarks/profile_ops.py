# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Where a model's inference time goes: torch.profiler, per op, per image.

Profiles ``model(inputs, mode='tensor')`` (eval, no_grad, random weights)
at each batch size and prints, for the ops with the most self time, their
self CPU milliseconds per image and calls per image, batch sizes side by
side, so that memory-bound ops that grow with the batch stand out.

Example::

    python -m benchmarks.profile_ops --batch-sizes 1 8 --threads 1
"""
import argparse
import os.path as osp
from collections import defaultdict

import torch
from torch.profiler import ProfilerActivity, profile

from segface_mmseg.apis import build_segmentor
from . import MOBILENET_V3_512, repo_path


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=MOBILENET_V3_512)
    parser.add_argument('--batch-sizes', nargs='+', type=int, default=[1, 8])
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--size', type=int, help='default: the config crop')
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--top', type=int, default=15)
    parser.add_argument('--dtype', choices=['fp32', 'bf16'], default='fp32')
    return parser.parse_args()


def profile_forward(model, inputs, repeat, bf16=False):
    """``{op: (self ms per forward, calls per forward)}`` and the wall ms
    per forward, over ``repeat`` profiled forwards after one warm-up."""
    with torch.no_grad(), torch.autocast('cpu', enabled=bf16):
        model(inputs, mode='tensor')
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            for _ in range(repeat):
                model(inputs, mode='tensor')
    ops = defaultdict(lambda: [0.0, 0])
    for event in prof.key_averages():
        ops[event.key][0] += event.self_cpu_time_total / 1e3 / repeat
        ops[event.key][1] += event.count / repeat
    total = sum(ms for ms, _ in ops.values())
    return dict(ops), total


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    path = repo_path(args.config)
    model, cfg, _ = build_segmentor(path)
    model.eval()
    size = args.size or cfg.model.data_preprocessor.size[0]
    results = {}
    for batch in args.batch_sizes:
        inputs = torch.randn(batch, 3, size, size)
        ops, total = profile_forward(model, inputs, args.repeat,
                                     args.dtype == 'bf16')
        results[batch] = ({
            k: (ms / batch, n / batch)
            for k, (ms, n) in ops.items()
        }, total / batch)
    first = args.batch_sizes[0]
    top = sorted(results[first][0], key=lambda k: -results[first][0][k][0])
    top = top[:args.top]
    print(f'{osp.basename(path)}, {size} px, {args.dtype}, '
          f'{args.threads} thread(s), torch {torch.__version__}; '
          'self CPU ms per image (calls per image)')
    print('| op | ' + ' | '.join(f'batch {b}'
                                 for b in args.batch_sizes) + ' |')
    print('|---|' + '---|' * len(args.batch_sizes))
    for op in top:
        cells = []
        for b in args.batch_sizes:
            ms, calls = results[b][0].get(op, (0.0, 0))
            cells.append(f'{ms:.1f} ({calls:g})')
        print(f'| `{op}` | ' + ' | '.join(cells) + ' |')
    print('| total | ' + ' | '.join(f'{results[b][1]:.1f}'
                                    for b in args.batch_sizes) + ' |')


if __name__ == '__main__':
    main()
