# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Latency of SegFace configs at batch 1: a markdown table.

Times ``model(inputs, data_samples, mode='predict')`` (as mmseg's
``benchmark.py``: the network plus the logits' resize and argmax) on a
random input of the network size, after warm-up runs, and reports the
median. Needs no dataset; without ``--checkpoint`` the weights are random
(speed does not depend on them).

Examples:
    # CPU, 1 thread, fp32 (the model-zoo table)
    python tools/analysis_tools/benchmark_latency.py \
        configs/segface/segface_swin-b_8xb4-300e_celebamask-hq-512x512.py \
        --threads 1 --repeat 5
    # GPU, fp32 and fp16 (autocast)
    python tools/analysis_tools/benchmark_latency.py CONFIG --device cuda \
        --dtype fp32 fp16 --repeat 200 --warmup 20
"""
import argparse
import os.path as osp
import platform
import statistics
import time

import torch
from mmengine.config import DictAction
from mmseg.structures import SegDataSample

from segface_mmseg.apis import build_segmentor, network_input_size

DTYPES = {'fp32': None, 'fp16': torch.float16, 'bf16': torch.bfloat16}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Batch-1 latency of SegFace configs')
    parser.add_argument('configs', nargs='+', help='config files')
    parser.add_argument(
        '--checkpoint', help='checkpoint for every config (optional)')
    parser.add_argument(
        '--shape', type=int, nargs='+', help='input H [W] (default: config)')
    parser.add_argument('--device', default='cpu', help='torch device')
    parser.add_argument(
        '--dtype',
        nargs='+',
        default=['fp32'],
        choices=sorted(DTYPES),
        help='fp32, or fp16 / bf16 autocast')
    parser.add_argument(
        '--threads', type=int, default=None, help='CPU threads (torch)')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the configs, key=value')
    parser.add_argument('--out', help='also write the table here')
    return parser.parse_args(argv)


def measure(model, shape, device, dtype, warmup, repeat):
    """Median seconds of one batch-1 prediction.

    Returns:
        float: Median wall time over ``repeat`` runs after ``warmup``.
    """
    inputs = torch.rand(1, 3, *shape, device=device)
    sample = SegDataSample(
        metainfo=dict(
            img_shape=shape,
            ori_shape=shape,
            pad_shape=shape,
            padding_size=[0, 0, 0, 0]))
    is_cuda = torch.device(device).type == 'cuda'
    times = []
    with torch.no_grad(), torch.autocast(
            torch.device(device).type,
            dtype=DTYPES[dtype] or torch.float32,
            enabled=DTYPES[dtype] is not None):
        for i in range(warmup + repeat):
            if is_cuda:
                torch.cuda.synchronize()
            start = time.perf_counter()
            model(inputs, [sample], mode='predict')
            if is_cuda:
                torch.cuda.synchronize()
            if i >= warmup:
                times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device_name = (
        torch.cuda.get_device_name(torch.device(args.device))
        if torch.device(args.device).type == 'cuda' else
        f'{platform.processor() or platform.machine()}, '
        f'{torch.get_num_threads()} thread(s)')
    lines = [
        f'torch {torch.__version__}, {device_name}, batch 1, median of '
        f'{args.repeat} after {args.warmup} warm-up',
        '| config | input | dtype | median ms | FPS |', '|---|---|---|---|---|'
    ]
    print('\n'.join(lines), flush=True)
    for config in args.configs:
        model, cfg, _ = build_segmentor(config, args.checkpoint, args.device,
                                        args.cfg_options)
        if args.shape:
            shape = (args.shape[0], args.shape[-1])
        else:
            shape = network_input_size(cfg)
        name = osp.splitext(osp.basename(config))[0]
        for dtype in args.dtype:
            seconds = measure(model, shape, args.device, dtype, args.warmup,
                              args.repeat)
            line = (f'| {name} | {shape[0]}x{shape[1]} | {dtype} | '
                    f'{seconds * 1e3:.0f} | {1 / seconds:.2f} |')
            print(line, flush=True)
            lines.append(line)
    if args.out:
        with open(args.out, 'w') as f:
            f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
