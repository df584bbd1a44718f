# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Where ONNX Runtime's time goes, fp32 and int8 side by side, per op type.

Exports a config (random weights) as ``tools/deployment/pytorch2onnx.py``
does, quantizes it with the default int8 recipe (calibrated on the
profiled input), runs both with onnxruntime's profiler and prints, per op
type, the milliseconds per image of each, the op types grouped as int8
kernels, the quantize / dequantize nodes between them, and fp32 ops; then
each group's total. It shows which part of the int8 model's time int8 does
not touch.

Example::

    python -m benchmarks.profile_onnx --threads 1 --repeat 3
    python -m benchmarks.profile_onnx --config \\
        configs/segface/segface_swin-b_8xb4-300e_celebamask-hq-512x512.py
"""
import argparse
import json
import os
import os.path as osp
import tempfile
from collections import defaultdict

import torch

from . import MOBILENET_V3_512, cpu_description, write_table
from .latency import build
from .runtimes import ONNXRuntimeModel, ort_session

# op types of onnxruntime's int8 kernels (after its graph optimisations
# fuse the QDQ pairs around a Conv / MatMul / Gemm)
INT8_KERNELS = ('QLinear', 'ConvInteger', 'MatMulInteger', 'QGemm',
                'DynamicQuantize')
REQUANTIZE = ('QuantizeLinear', 'DequantizeLinear')
GROUPS = ('int8 kernels', 'quantize / dequantize', 'fp32 ops')


def op_group(op_type: str) -> str:
    """Which of :data:`GROUPS` an onnxruntime op type belongs to."""
    if op_type.startswith(INT8_KERNELS):
        return GROUPS[0]
    return GROUPS[1] if op_type in REQUANTIZE else GROUPS[2]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=MOBILENET_V3_512)
    parser.add_argument('--size', type=int, help='default: the config crop')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--top', type=int, default=20)
    parser.add_argument('--out', help='also write the table (markdown) here')
    return parser.parse_args()


def op_times(trace: list, warmup: int) -> dict:
    """``{op type: ms per run}`` of an onnxruntime profile (its JSON
    events), over the runs after the first ``warmup``."""
    runs = sorted((event['ts'], event['ts'] + event['dur']) for event in trace
                  if event.get('name') == 'model_run')
    timed = runs[warmup:]
    if not timed:
        raise ValueError('the profile holds no run after the warm-up')
    totals = defaultdict(float)
    for event in trace:
        if event.get('cat') != 'Node' or not event['name'].endswith(
                '_kernel_time'):
            continue  # the fences around each kernel
        if any(start <= event['ts'] <= end for start, end in timed):
            totals[event['args']['op_name']] += event['dur'] / 1e3
    return {op: ms / len(timed) for op, ms in totals.items()}


def profile(path: str, feed: dict, threads: int, repeat: int,
            warmup: int) -> dict:
    """:func:`op_times` of ``warmup + repeat`` runs of an ONNX file."""
    with tempfile.TemporaryDirectory() as folder:
        session = ort_session(path, threads, osp.join(folder, 'profile'))
        for _ in range(warmup + repeat):
            session.run(None, feed)
        trace_file = session.end_profiling()
        with open(trace_file) as f:
            trace = json.load(f)
        os.remove(trace_file)
    return op_times(trace, warmup)


def table(fp32: dict, int8: dict, top: int) -> list:
    """Markdown lines: the ``top`` op types by their larger time, then the
    total of each group."""
    lines = ['| op type | group | fp32 ms | int8 ms |', '|---|---|---:|---:|']
    ops = sorted(
        set(fp32) | set(int8),
        key=lambda op: -max(fp32.get(op, 0), int8.get(op, 0)))
    for op in ops[:top]:
        lines.append(f'| {op} | {op_group(op)} | {fp32.get(op, 0):.1f} | '
                     f'{int8.get(op, 0):.1f} |')
    totals = [sum(fp32.values()), sum(int8.values())]
    for group in GROUPS:
        ms = [
            sum(t for op, t in times.items() if op_group(op) == group)
            for times in (fp32, int8)
        ]
        lines.append(f'| **{group}** | | {ms[0]:.1f} | {ms[1]:.1f} '
                     f'({ms[1] / totals[1]:.0%}) |')
    lines.append(f'| **all** | | {totals[0]:.1f} | {totals[1]:.1f} |')
    return lines


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    model, cfg, size, name = build(args.config, args.size)
    inputs = torch.randn(
        1, 3, size, size, generator=torch.Generator().manual_seed(0))
    onnx_model = ONNXRuntimeModel(model.eval(), cfg, size, inputs)
    feed = {'input': onnx_model.raw(inputs)}
    times = [
        profile(path, feed, args.threads, args.repeat, args.warmup)
        for path in (onnx_model.fp32_path, onnx_model.path)
    ]
    print(f'{name}, {size} x {size}, batch 1, {args.threads} thread(s), '
          f'{cpu_description()}; ms per image, mean of {args.repeat} '
          f'profiled runs after {args.warmup} warm-up')
    lines = table(*times, args.top)
    print('\n'.join(lines))
    if args.out:
        write_table(args.out, lines)


if __name__ == '__main__':
    main()
