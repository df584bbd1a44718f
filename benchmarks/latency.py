# Copyright (c) segface-mmseg contributors. All rights reserved.
"""SegFace latency: this package vs a plain re-statement of the official code.

Both run the same weights: the package's model (folded neck,
fused attention, token-layout upscaling, vectorised Dice) and
``tests/reference.py``'s ``reference_forward`` (unfused neck, explicit
softmax attention, the official op order). The script checks that their
logits agree, then times them side by side, interleaved, in one process.
Run it from the repository root, as a module: the reference is test code
(``tests/reference.py``), not part of the installed package.

Examples::

    # the default table: MobileNetV3-512 and Swin-B-512, batch 1 and 8,
    # 1 and 2 threads, median of 10 runs after 2 warm-up runs
    python -m benchmarks.latency
    # any config, fewer settings
    python -m benchmarks.latency --configs configs/segface_swinb_celeba.py \\
        --batch-sizes 1 --threads 1
    # one training step (forward, loss, backward, AdamW)
    python -m benchmarks.latency --train --batch-sizes 4 --size 256
"""
import argparse
import copy
import os.path as osp
import platform
import statistics
import time

import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample
from torch.utils.flop_counter import FlopCounterMode

from segface_mmseg.apis import build_segmentor, network_input_size
from tests.reference import reference_forward, reference_loss

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_CONFIGS = [
    'configs/segface/segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py',
    'configs/segface/segface_swin-b_8xb4-300e_celebamask-hq-512x512.py',
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='+', default=DEFAULT_CONFIGS)
    parser.add_argument('--batch-sizes', nargs='+', type=int, default=[1, 8])
    parser.add_argument('--threads', nargs='+', type=int, default=[1, 2])
    parser.add_argument(
        '--size', type=int, help='input size (default: the config crop)')
    parser.add_argument('--repeat', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument(
        '--train', action='store_true', help='time a training step')
    parser.add_argument('--tolerance', type=float, default=1e-4)
    parser.add_argument('--out', help='also write the table (markdown) here')
    return parser.parse_args()


def build(config, size):
    path = config if osp.isabs(config) else osp.join(REPO, config)
    # random weights: the ImageNet init is not downloaded
    model, cfg, _ = build_segmentor(path)
    size = size or network_input_size(cfg)[0]
    name = osp.splitext(osp.basename(config))[0]
    return model, size, name


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


def timed_pair(fast, slow, repeat, warmup):
    """Median seconds of ``fast`` and ``slow``, run alternately."""
    times = ([], [])
    for i in range(warmup + repeat):
        for fn, store in zip((fast, slow), times):
            start = time.perf_counter()
            fn()
            if i >= warmup:
                store.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def inference_row(model, inputs, args):
    model.eval()
    with torch.no_grad():
        ours = model(inputs, mode='tensor')
        ref = reference_forward(model, inputs)
        diff = (ours - ref).abs().max().item()
        if diff > args.tolerance:
            raise RuntimeError(f'logits differ by {diff:.2e} > '
                               f'{args.tolerance:.0e}')
        macs = (gmacs(model, lambda: model(inputs[:1], mode='tensor')),
                gmacs(model, lambda: reference_forward(model, inputs[:1])))
        t = timed_pair(lambda: model(inputs, mode='tensor'),
                       lambda: reference_forward(model, inputs), args.repeat,
                       args.warmup)
    return t, macs, diff


def train_row(model, inputs, args):
    model.train()
    b, _, h, w = inputs.shape
    labels = torch.randint(0, model.decode_head.num_classes, (b, h, w))
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
    return t, (float('nan'), float('nan')), float('nan')


def main():
    args = parse_args()
    rows = []
    header = ('| model | size | batch | threads | ours ms | reference ms | '
              'ours img/s | reference img/s | ours GMAC | reference GMAC | '
              'ratio | max abs diff |')
    print(f'torch {torch.__version__}, {platform.processor() or "cpu"}, '
          f'{"training step" if args.train else "inference, fp32"}')
    print(header)
    print('|' + '---|' * 12)
    for config in args.configs:
        model, size, name = build(config, args.size)
        for batch in args.batch_sizes:
            inputs = torch.randn(
                batch,
                3,
                size,
                size,
                generator=torch.Generator().manual_seed(0))
            for threads in args.threads:
                torch.set_num_threads(threads)
                row_fn = train_row if args.train else inference_row
                (ours, ref), (mac_ours,
                              mac_ref), diff = row_fn(model, inputs, args)
                row = (f'| {name} | {size} | {batch} | {threads} | '
                       f'{ours * 1e3:.0f} | {ref * 1e3:.0f} | '
                       f'{batch / ours:.2f} | {batch / ref:.2f} | '
                       f'{mac_ours:.2f} | {mac_ref:.2f} | '
                       f'{ours / ref:.2f}x | {diff:.1e} |')
                print(row, flush=True)
                rows.append(row)
    if args.out:
        with open(args.out, 'w') as f:
            f.write('\n'.join([header, '|' + '---|' * 12] + rows) + '\n')


if __name__ == '__main__':
    main()
