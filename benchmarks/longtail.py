# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Long-tail evidence: SegFace's head vs mmseg's SegFormer head.

Both models get the same MobileNetV3-Large backbone (from scratch), the same
synthetic faces (rare accessories: eyeglasses ~5%, hat ~4%, earrings ~3%,
necklace ~2% of the images), the same loss (0.5 CE + 0.5 SegFace Dice),
schedule and seed; only the head differs:

- SegFace: MLP fusion neck + class tokens in a two-way transformer;
- baseline: ``SegformerHead`` (per-level 1x1 conv, concat, fuse, classify).

Each is trained with mmseg's Runner and scored on the test split with the
paper-protocol metric; the script prints per-class F1 side by side, frequent
("head") classes first, then the rare ("tail") ones, with group means.

Run it from the repository root, as a module (it imports the demo's
``demo/synthetic_faces`` package)::

    python -m benchmarks.longtail --iters 800 --out work_dirs/longtail.md
"""
import os

os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import argparse  # noqa: E402
import copy  # noqa: E402
import json  # noqa: E402
import os.path as osp  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from demo import synthetic_faces as faces  # noqa: E402
from segface_mmseg.apis import network_input_size  # noqa: E402
from segface_mmseg.utils import atomic_write_bytes  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Per-class F1 of SegFace vs a SegFormer head on '
        'synthetic long-tail faces.')
    parser.add_argument(
        '--work-dir', default='work_dirs/longtail', help='output folder')
    parser.add_argument(
        '--config', default=faces.DEFAULT_CONFIG, help='the SegFace config')
    parser.add_argument(
        '--data-dir',
        help='where the synthetic data is drawn or reused (default: '
        'WORK_DIR/data; the demo\'s is work_dirs/demo/data)')
    parser.add_argument('--num-images', type=int, default=3000)
    parser.add_argument('--image-size', type=int, default=256)
    parser.add_argument('--size', type=int, help='network input side')
    parser.add_argument(
        '--iters', type=int, help='training iterations (default: config)')
    parser.add_argument('--seed', type=int, default=0, help='data seed')
    parser.add_argument('--nproc', type=int, default=2)
    parser.add_argument('--threads', type=int, help='torch threads')
    parser.add_argument(
        '--num-workers',
        type=int,
        help='data loading processes per loader (default: the config\'s)')
    parser.add_argument(
        '--models',
        nargs='+',
        default=['segface', 'segformer'],
        choices=['segface', 'segformer'])
    parser.add_argument('--out', help='also write the table (markdown) here')
    return parser.parse_args(argv)


def segformer_baseline(cfg):
    """The SegFace config with mmseg's SegformerHead in place of the neck
    and the SegFace head (same backbone, loss, schedule)."""
    cfg = copy.deepcopy(cfg)
    head = cfg.model.decode_head
    # the backbone's four levels, as the SegFace neck takes them
    in_channels = list(cfg.model.pop('neck').in_channels)
    cfg.model.decode_head = dict(
        type='SegformerHead',
        in_channels=in_channels,
        in_index=[0, 1, 2, 3],
        channels=256,
        dropout_ratio=0.1,
        num_classes=head.num_classes,
        norm_cfg=dict(type='BN', requires_grad=True),
        align_corners=False,
        loss_decode=head.loss_decode)
    return cfg


def train_and_score(name, cfg, work_dir):
    """Train one model; return its test scores and training time."""
    cfg = copy.deepcopy(cfg)
    cfg.work_dir = osp.join(work_dir, name)
    runner = Runner.from_cfg(cfg)
    start = time.time()
    runner.train()
    seconds = time.time() - start
    result = faces.evaluate(runner, cfg.work_dir, num_overlays=0)
    model = runner.model
    result.update(
        seconds=round(seconds, 1),
        params=sum(p.numel() for p in model.parameters()),
        head_params=sum(p.numel() for n, p in model.named_parameters()
                        if not n.startswith('backbone.')))
    result.pop('palette')
    return result


def markdown_table(results, meta):
    """Per-class F1 side by side, head classes then tail classes."""
    names = list(results)
    first = results[names[0]]
    classes = first['classes']
    train_with = meta['images_with']
    n = meta['num_images']
    header = ['class', 'images with it', 'test images'
              ] + [f'{name} F1' for name in names]
    lines = [
        '| ' + ' | '.join(header) + ' |',
        '|' + '---|' * len(header),
    ]

    def row(label, freq, tests, values):
        cells = [label, freq, tests] + [
            '-' if v is None or np.isnan(v) else f'{v:.2f}' for v in values
        ]
        return '| ' + ' | '.join(cells) + ' |'

    groups = dict(head=[], tail=[])
    for i, name in enumerate(classes):
        if i == 0:
            continue
        groups['tail' if name in faces.TAIL_CLASSES else 'head'].append(i)
    for group, ids in groups.items():
        for i in ids:
            name = classes[i]
            lines.append(
                row(f'{name} ({group})', f'{100 * train_with[name] / n:.1f}%',
                    str(first['test_images_with'][i]),
                    [results[m]['F1'][i] for m in names]))
        means = [
            np.nanmean([
                np.nan if results[m]['F1'][i] is None else results[m]['F1'][i]
                for i in ids
            ]) for m in names
        ]
        lines.append(row(f'**mean, {group} classes**', '', '', means))
    lines.append(
        row('**mean F1 (all 18)**', '', '',
            [results[m]['mF1'] for m in names]))
    lines.append('')
    lines.append('| model | parameters | of which outside the backbone | '
                 'training time |')
    lines.append('|---|---|---|---|')
    for m in names:
        r = results[m]
        lines.append(f'| {m} | {r["params"] / 1e6:.2f} M | '
                     f'{r["head_params"] / 1e6:.2f} M | '
                     f'{r["seconds"] / 60:.1f} min |')
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    data_root, meta = faces.prepare_synthetic_celebamask_hq(
        args.data_dir or osp.join(args.work_dir, 'data'),
        num_images=args.num_images,
        image_size=args.image_size,
        seed=args.seed,
        nproc=args.nproc)
    demo_args = argparse.Namespace(
        config=args.config,
        work_dir=args.work_dir,
        size=args.size,
        iters=args.iters)
    cfg = faces.demo_config(demo_args, data_root)
    if args.num_workers is not None:
        for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            cfg[name].num_workers = args.num_workers
            cfg[name].persistent_workers = args.num_workers > 0
    configs = dict(segface=cfg, segformer=segformer_baseline(cfg))
    results = {}
    for name in args.models:
        results[name] = train_and_score(name, configs[name], args.work_dir)
    table = markdown_table(results, meta)
    splits = meta['split_sizes']
    setting = (f'{meta["num_images"]} synthetic faces (train / val / test '
               f'{splits["train"]} / {splits["val"]} / {splits["test"]}), '
               f'{cfg.train_cfg.max_iters} '
               f'iterations of batch {cfg.train_dataloader.batch_size} at '
               f'{network_input_size(cfg)[0]} px, '
               f'{torch.get_num_threads()} torch thread(s), '
               f'{platform.processor() or platform.machine()}, '
               f'{os.cpu_count()} CPUs')
    print(table)
    print(setting)
    if args.out:
        atomic_write_bytes(args.out,
                           (table + '\n\n' + setting + '\n').encode())
    atomic_write_bytes(
        osp.join(args.work_dir, 'longtail.json'),
        json.dumps(dict(results=results, setting=setting), indent=2).encode())
    return results


if __name__ == '__main__':
    main()
