# Copyright (c) segface-mmseg contributors. All rights reserved.
"""SegFace latency: this package vs a plain re-statement of the official code.

Both run the same weights: the package's model (folded neck,
fused attention, token-layout upscaling, vectorised Dice) and
``benchmarks/reference.py``'s ``reference_forward`` (unfused neck, explicit
softmax attention, the official op order). The script checks that their
logits agree, then times them side by side, interleaved, in one process.
Run it from the repository root, as a module: the reference
(``benchmarks/reference.py``, also the tests' reference) is not part of the
installed package.

Examples::

    # the default table: MobileNetV3-512 and Swin-B-512, batch 1 and 8,
    # 1 and 2 threads, median of 10 runs after 2 warm-up runs
    python -m benchmarks.latency
    # any config, fewer settings
    python -m benchmarks.latency --configs configs/segface_swinb_celeba.py \\
        --batch-sizes 1 --threads 1
    # one training step (forward, loss, backward, AdamW)
    python -m benchmarks.latency --train --batch-sizes 4 --size 256
    # where the time could go at best: the backbone alone and the GEMM
    # floor (benchmarks/bounds.py)
    python -m benchmarks.latency --bounds --batch-sizes 1 --threads 1
    # with bf16 autocast and ONNX Runtime (the exported model) columns,
    # each checked against the reference first (bf16: within 5% of the
    # largest logit, with the share of equal labels; ONNX Runtime: 1e-4)
    python -m benchmarks.latency --bf16 --onnx --batch-sizes 1
    # with the int8 column: the export quantized (static QDQ, per-channel
    # weights) on the timed inputs; its labels compared with the reference
    python -m benchmarks.latency --onnx --int8 --batch-sizes 1 --threads 1
"""
import argparse
import copy
import os.path as osp
import statistics
import time

import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample
from torch.utils.flop_counter import FlopCounterMode

from segface_mmseg.apis import build_segmentor, network_input_size
from . import (MOBILENET_V3_512, SWIN_B_512, cpu_description, repo_path,
               write_table)
from .bounds import BOUND_COLUMNS, bound_cells, gemm_rate
from .reference import reference_forward, reference_loss
from .runtimes import ONNXRuntimeModel, bf16_forward


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--configs', nargs='+', default=[MOBILENET_V3_512, SWIN_B_512])
    parser.add_argument('--batch-sizes', nargs='+', type=int, default=[1, 8])
    parser.add_argument('--threads', nargs='+', type=int, default=[1, 2])
    parser.add_argument(
        '--size', type=int, help='input size (default: the config crop)')
    parser.add_argument(
        '--device',
        default='cpu',
        help='torch device (cuda: synchronised timing; no --onnx, --int8 '
        'or --bounds)')
    parser.add_argument('--repeat', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument(
        '--train', action='store_true', help='time a training step')
    parser.add_argument('--tolerance', type=float, default=1e-4)
    parser.add_argument(
        '--bf16',
        action='store_true',
        help='add the bf16 autocast column (inference)')
    parser.add_argument(
        '--onnx',
        action='store_true',
        help='add the ONNX Runtime column: the model exported by '
        'tools/deployment/pytorch2onnx.py (inference)')
    parser.add_argument(
        '--int8',
        action='store_true',
        help='add the int8 ONNX Runtime column: the export quantized by '
        'segface_mmseg.deployment.quantize_int8, calibrated on the inputs '
        '(inference; compared by labels, not logits)')
    parser.add_argument(
        '--bounds',
        action='store_true',
        help='add the backbone alone (the same code on both sides) and the '
        "GEMM floor at this CPU's measured matmul rate (inference)")
    parser.add_argument(
        '--bf16-tolerance',
        type=float,
        default=0.05,
        help='largest bf16 logit difference, relative to the largest logit')
    parser.add_argument('--out', help='also write the table (markdown) here')
    return parser.parse_args()


def build(config, size):
    path = repo_path(config)
    # random weights: the ImageNet init is not downloaded
    model, cfg, _ = build_segmentor(path)
    size = size or network_input_size(cfg)[0]
    name = osp.splitext(osp.basename(config))[0]
    return model, cfg, size, name


def gmacs(model, fn):
    """Multiply-accumulates of ``fn()`` in G (torch's FlopCounterMode)."""
    # FlopCounterMode's module tracker needs no tensor to require grad
    flags = [p.requires_grad for p in model.parameters()]
    model.requires_grad_(False)
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        fn()
    for p, flag in zip(model.parameters(), flags):
        p.requires_grad_(flag)
    return counter.get_total_flops() / 2e9


def _synchronize():
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()


def timed(fns, repeat, warmup):
    """Median seconds of each of ``fns``, run in turn (interleaved)."""
    times = [[] for _ in fns]
    for i in range(warmup + repeat):
        for fn, store in zip(fns, times):
            _synchronize()
            start = time.perf_counter()
            fn()
            _synchronize()
            if i >= warmup:
                store.append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def timed_pair(fast, slow, repeat, warmup):
    """Median seconds of ``fast`` and ``slow``, run alternately."""
    return tuple(timed((fast, slow), repeat, warmup))


def _check(name, logits, ref, tolerance):
    """Max abs difference to ``ref``; an error above ``tolerance``."""
    diff = (logits.float() - ref).abs().max().item()
    if diff > tolerance:
        raise RuntimeError(f'{name} logits differ from the reference by '
                           f'{diff:.2e} > {tolerance:.1e}')
    return diff


def inference_row(model, inputs, args, extra=()):
    """Times of the plugin and the reference (then ``extra``, a sequence
    of ``(name, forward)``), GMACs and the checked differences."""
    model.eval()
    with torch.no_grad():
        ref = reference_forward(model, inputs)
        diffs = [
            _check('plugin', model(inputs, mode='tensor'), ref, args.tolerance)
        ]
        for name, forward in extra:
            logits = forward(inputs)
            tolerance = args.tolerance
            if name == 'bf16':
                tolerance = args.bf16_tolerance * ref.abs().max().item()
            if name == 'int8':  # its labels only (logits differ by design)
                tolerance = float('inf')
            diffs.append(_check(name, logits, ref, tolerance))
            if name in ('bf16', 'int8'):  # and the share of equal labels
                diffs.append(
                    (logits.argmax(1) == ref.argmax(1)).float().mean().item())
        macs = (gmacs(model, lambda: model(inputs[:1], mode='tensor')),
                gmacs(model, lambda: reference_forward(model, inputs[:1])))
        fns = [
            lambda: model(inputs, mode='tensor'),
            lambda: reference_forward(model, inputs)
        ] + [lambda forward=forward: forward(inputs) for _, forward in extra]
        if args.bounds:
            fns.append(lambda: model.backbone(inputs))
        t = timed(fns, args.repeat, args.warmup)
    return t, macs, diffs


def train_row(model, inputs, args):
    model.train()
    b, _, h, w = inputs.shape
    labels = torch.randint(
        0, model.decode_head.num_classes, (b, h, w), device=inputs.device)
    samples = []
    for label in labels:
        sample = SegDataSample(metainfo=dict(img_shape=(h, w)))
        sample.gt_sem_seg = PixelData(data=label[None])
        samples.append(sample)
    ref_model = copy.deepcopy(model)
    optims = [
        torch.optim.AdamW(m.parameters(), lr=1e-4, weight_decay=1e-5)
        for m in (model, ref_model)
    ]

    def ours():
        losses = model.loss(inputs, samples)
        loss = sum(v for k, v in losses.items() if 'loss' in k)
        optims[0].zero_grad()
        loss.backward()
        optims[0].step()

    def ref():
        loss = reference_loss(reference_forward(ref_model, inputs), labels)
        optims[1].zero_grad()
        loss.backward()
        optims[1].step()

    t = timed_pair(ours, ref, args.repeat, args.warmup)
    return t, (float('nan'), float('nan')), [float('nan')]


def _extra_header(args):
    columns = []
    if args.bf16:
        columns += [
            'bf16 ms', 'bf16 ratio', 'bf16 max abs diff', 'bf16 same labels'
        ]
    if args.onnx:
        columns += ['ONNX RT ms', 'ONNX RT ratio', 'ONNX RT max abs diff']
    if args.int8:
        columns += ['int8 ms', 'int8 ratio', 'int8 same labels']
    return columns


def _extra_cells(times, diffs, ref, args):
    cells = []
    times, diffs = list(times), list(diffs)
    if args.bf16:
        t = times.pop(0)
        cells += [
            f'{t * 1e3:.0f}', f'{t / ref:.2f}x', f'{diffs.pop(0):.1e}',
            f'{100 * diffs.pop(0):.2f}%'
        ]
    if args.onnx:
        t = times.pop(0)
        cells += [f'{t * 1e3:.0f}', f'{t / ref:.2f}x', f'{diffs.pop(0):.1e}']
    if args.int8:
        t = times.pop(0)
        diffs.pop(0)  # the logit difference: not meaningful for int8
        cells += [
            f'{t * 1e3:.0f}', f'{t / ref:.2f}x', f'{100 * diffs.pop(0):.2f}%'
        ]
    return cells


def main():
    args = parse_args()
    if args.train and (args.bf16 or args.onnx or args.int8 or args.bounds):
        raise SystemExit(
            'error: --bf16, --onnx, --int8 and --bounds time inference only')
    if args.device != 'cpu' and (args.onnx or args.int8 or args.bounds):
        raise SystemExit('error: --onnx, --int8 and --bounds run on the CPU')
    if args.device.startswith('cuda') and not torch.cuda.is_available():
        raise SystemExit(f'error: --device {args.device}: no CUDA GPU here')
    rows = []
    columns = [
        'model', 'size', 'batch', 'threads', 'ours ms', 'reference ms',
        'ours img/s', 'reference img/s', 'ours GMAC', 'reference GMAC',
        'ratio', 'max abs diff'
    ] + _extra_header(args) + (
        BOUND_COLUMNS if args.bounds else [])
    header = '| ' + ' | '.join(columns) + ' |'
    rule = '|' + '---|' * len(columns)
    where = (
        torch.cuda.get_device_name(torch.device(args.device))
        if args.device.startswith('cuda') else cpu_description())
    print(f'torch {torch.__version__}, {where}, '
          f'{"training step" if args.train else "inference, fp32"}')
    print(header)
    print(rule)
    for config in args.configs:
        model, cfg, size, name = build(config, args.size)
        model.to(args.device)
        onnx_model = ONNXRuntimeModel(model.eval(), cfg,
                                      size) if args.onnx else None
        for batch in args.batch_sizes:
            inputs = torch.randn(
                batch,
                3,
                size,
                size,
                generator=torch.Generator().manual_seed(0)).to(args.device)
            # int8: calibrated on the timed inputs
            int8_onnx = ONNXRuntimeModel(model.eval(), cfg, size,
                                         inputs) if args.int8 else None
            for threads in args.threads:
                torch.set_num_threads(threads)
                if args.train:
                    times, macs, diffs = train_row(model, inputs, args)
                else:
                    extra = ([('bf16',
                               bf16_forward(model))] if args.bf16 else []) + ([
                                   ('ONNX RT', onnx_model.forward(threads))
                               ] if args.onnx else [])
                    if args.int8:
                        extra.append(('int8', int8_onnx.forward(threads)))
                    times, macs, diffs = inference_row(model, inputs, args,
                                                       extra)
                ours, ref = times[:2]
                cells = [
                    name,
                    str(size),
                    str(batch),
                    str(threads), f'{ours * 1e3:.0f}', f'{ref * 1e3:.0f}',
                    f'{batch / ours:.2f}', f'{batch / ref:.2f}',
                    f'{macs[0]:.2f}', f'{macs[1]:.2f}', f'{ours / ref:.2f}x',
                    f'{diffs[0]:.1e}'
                ] + _extra_cells(times[2:], diffs[1:], ref, args)
                if args.bounds:
                    cells += bound_cells(ours, ref, times[-1], macs[0] * batch,
                                         gemm_rate())
                row = '| ' + ' | '.join(cells) + ' |'
                print(row, flush=True)
                rows.append(row)
    if args.out:
        write_table(args.out, [header, rule] + rows)


if __name__ == '__main__':
    main()
