# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Per-image inference time at batch 1 and at larger batches, side by side.

Times ``model(inputs, mode='tensor')`` (eval, no_grad, fp32, random
weights) on the same images (as many as the largest batch) in batches of
each size, interleaved in one process so that a shared machine slows them
alike, and the larger batches also with
``inference_micro_batch=None`` (the whole batch in one pass, as before
micro-batching). Checks first that the batched logits equal the per-image
ones.

Example::

    python -m benchmarks.batch_scaling --batch-sizes 1 8 --threads 1
"""
import argparse
import os.path as osp
import statistics
import time

import torch

from segface_mmseg.apis import build_segmentor, network_input_size
from . import MOBILENET_V3_512, repo_path


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='+', default=[MOBILENET_V3_512])
    parser.add_argument('--batch-sizes', nargs='+', type=int, default=[1, 8])
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=1)
    return parser.parse_args()


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    print(f'torch {torch.__version__}, {args.threads} thread(s), fp32; '
          'per-image ms, median of '
          f'{args.repeat} interleaved runs')
    print('| model | batch | micro-batches | ms per image | '
          'vs batch 1 |')
    print('|---|---|---|---|---|')
    for config in args.configs:
        path = repo_path(config)
        model, cfg, _ = build_segmentor(path)
        model.eval()
        size = network_input_size(cfg)[0]
        largest = max(args.batch_sizes)
        inputs = torch.randn(
            largest, 3, size, size, generator=torch.Generator().manual_seed(0))
        runs = [(b, 'auto') for b in args.batch_sizes]
        runs += [(b, None) for b in args.batch_sizes if b > 1]

        def run(batch, setting):
            """``largest`` images in batches of ``batch``: every setting
            runs as long, so bursts of load on a shared machine weigh on
            each alike."""
            model.inference_micro_batch = setting
            return torch.cat([
                model(inputs[i:i + batch], mode='tensor')
                for i in range(0, largest, batch)
            ])

        with torch.no_grad():
            model.inference_micro_batch = None
            single = torch.cat([
                model(inputs[i:i + 1], mode='tensor') for i in range(largest)
            ])
            for batch, setting in runs:
                diff = (run(batch, setting) - single).abs().max()
                if diff > 1e-4:
                    raise RuntimeError(f'batch {batch} ({setting}) differs '
                                       f'from per-image logits by {diff}')
            times = {key: [] for key in runs}
            for i in range(args.warmup + args.repeat):
                for batch, setting in runs:
                    start = time.perf_counter()
                    run(batch, setting)
                    if i >= args.warmup:
                        times[(batch, setting)].append(
                            (time.perf_counter() - start) / largest)
        model.inference_micro_batch = 'auto'
        name = osp.splitext(osp.basename(config))[0]
        base = statistics.median(times[(min(args.batch_sizes), 'auto')])
        for (batch, setting), t in times.items():
            per_image = statistics.median(t)
            label = ('one image per pass'
                     if setting == 'auto' else 'whole batch in one pass')
            if batch == 1:
                label = '-'
            print(f'| {name} | {batch} | {label} | {per_image * 1e3:.0f} | '
                  f'{per_image / base:.2f}x |')


if __name__ == '__main__':
    main()
