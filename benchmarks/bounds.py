# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The bounds of ``benchmarks/latency.py --bounds``: how fast a forward
could be on this machine.

- The **backbone** runs the same library code on both sides (the plugin
  and the reference): with a head and neck that took no time at all, the
  ratio could not go below ``backbone / reference``.
- The **GEMM floor** is the plugin's multiply-accumulates at the best fp32
  matmul rate this CPU reaches on the model's matmul shapes, measured in
  the same run: no eager code that computes the same numbers can be
  faster.
"""
import statistics
import time

import torch
import torch.nn.functional as F

# (rows, in, out) of the matmuls that carry most of the MACs: the head's
# image-side projections at 512 px (128 x 128 tokens) and Swin-B's stage-3
# MLP (32 x 32 tokens, padded to 35 x 35 for its 7 x 7 windows)
GEMM_SHAPES = ((16384, 256, 128), (16384, 128, 256), (1225, 512, 2048),
               (1225, 2048, 512))
BOUND_COLUMNS = [
    'backbone ms', 'ratio bound (head and neck free)', 'head + neck ratio',
    'GEMM GMAC/s', 'GEMM floor ms'
]


def gemm_rate(repeat: int = 9) -> float:
    """The best median fp32 ``F.linear`` rate over :data:`GEMM_SHAPES`,
    in GMAC/s, at the current thread count."""
    best = 0.0
    for rows, c_in, c_out in GEMM_SHAPES:
        x, weight = torch.randn(rows, c_in), torch.randn(c_out, c_in)
        bias = torch.randn(c_out)
        times = []
        for _ in range(repeat + 1):
            start = time.perf_counter()
            F.linear(x, weight, bias)
            times.append(time.perf_counter() - start)
        seconds = statistics.median(times[1:])
        best = max(best, rows * c_in * c_out / seconds / 1e9)
    return best


def bound_cells(ours: float, ref: float, backbone: float, gmac: float,
                rate: float) -> list:
    """The :data:`BOUND_COLUMNS` cells, from seconds per forward (plugin,
    reference, backbone alone), the plugin's GMAC and :func:`gemm_rate`."""
    return [
        f'{backbone * 1e3:.0f}', f'{backbone / ref:.2f}x',
        f'{(ours - backbone) / (ref - backbone):.2f}x', f'{rate:.1f}',
        f'{gmac / rate * 1e3:.0f}'
    ]
