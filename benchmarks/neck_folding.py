# Copyright (c) segface-mmseg contributors. All rights reserved.
"""What composing the folded neck weights costs per forward.

``MLPFusionNeck`` composes each level's Linear with its slice of the fuse
conv at every forward (nothing is cached between forwards). This times, side
by side and interleaved, at the 512 feature shapes of MobileNetV3-L and
Swin-B, in inference (``torch.inference_mode``):

- the neck's forward (weights composed, then applied);
- the same forward with the weights composed beforehand (what a cache would
  save);
- composing the weights alone;
- the official computation (``fold=False``).

Example::

    python -m benchmarks.neck_folding --threads 1 2
"""
import argparse
import statistics
import time

import torch

from segface_mmseg.models import MLPFusionNeck

# channels of the four tapped levels; the finest is at stride 4
BACKBONES = {
    'MobileNetV3-L': [24, 40, 112, 960],
    'Swin-B': [128, 256, 512, 1024],
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--size', type=int, default=512)
    parser.add_argument('--threads', nargs='+', type=int, default=[1])
    parser.add_argument('--repeat', type=int, default=20)
    return parser.parse_args()


def median_ms(fns, repeat):
    """Interleaved medians, in ms, of each callable in ``fns``."""
    times = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1e3)
    return {name: statistics.median(t) for name, t in times.items()}


def main():
    args = parse_args()
    print('| backbone | threads | neck forward (ms) | with precomposed '
          'weights (ms) | composing alone (ms) | official, unfolded (ms) |')
    print('|---|---|---|---|---|---|')
    for name, channels in BACKBONES.items():
        neck = MLPFusionNeck(channels).eval()
        official = MLPFusionNeck(channels, fold=False).eval()
        official.load_state_dict(neck.state_dict())
        features = [
            torch.randn(1, c, args.size // 4 // 2**i, args.size // 4 // 2**i)
            for i, c in enumerate(channels)
        ]
        for threads in args.threads:
            torch.set_num_threads(threads)
            with torch.inference_mode():
                folded = neck.folded_weights()
                fns = {
                    'forward': lambda: neck(features),
                    'precomposed':
                    lambda: neck._forward_folded(features, folded),
                    'compose': neck.folded_weights,
                    'official': lambda: official(features),
                }
                median_ms(fns, 2)  # warm-up
                ms = median_ms(fns, args.repeat)
            print(f"| {name} | {threads} | {ms['forward']:.2f} | "
                  f"{ms['precomposed']:.2f} | {ms['compose']:.3f} | "
                  f"{ms['official']:.2f} |")


if __name__ == '__main__':
    main()
