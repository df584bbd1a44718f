# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Fine-tune the demo's SegFace to another class list; compare with scratch.

The tutorial docs/finetune.md in one command, on the CPU:

1. Draw "one's own" data: faces the demo model has not seen, with its left
   and right classes merged (ears, brows, eyes) and a class it never saw
   (teeth), 17 classes, in mmseg's layout with a ``classes.json``.
2. Fine-tune from the demo checkpoint (``make demo`` writes it): the class
   tokens carried over by name (``ClassTransferHook``), the config
   ``..._own-faces-teeth-128x128_finetune.py``.
3. Train the same config from scratch for as many iterations.
4. Score both on the test split and print mean F1, the teeth F1 and the
   training time of each.

Example::

    make demo                                 # once: the 19-class model
    python demo/finetune_demo.py              # both runs, the table
    python demo/finetune_demo.py --quick      # a minute, checks the pipeline
    python demo/finetune_demo.py --data-only  # only the data, for by hand

Everything goes under ``--work-dir`` (default ``work_dirs/finetune``):
``data/``, ``finetune/`` and ``scratch/`` (logs, checkpoints, overlays) and
``comparison.json``.
"""
import os

# Worker threads sleep instead of spinning while they wait (shared cores).
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import argparse  # noqa: E402
import json  # noqa: E402
import os.path as osp  # noqa: E402
import time  # noqa: E402
from types import SimpleNamespace  # noqa: E402

# the demo's package, beside this script
import synthetic_faces as faces  # noqa: E402
import torch  # noqa: E402
from mmengine.logging import print_log  # noqa: E402
from mmengine.runner import Runner  # noqa: E402
from synthetic_faces.own_data import write_own_faces  # noqa: E402

from segface_mmseg.utils import atomic_write_bytes  # noqa: E402

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = osp.join(REPO_ROOT, 'configs', 'demo',
                  'segface_mobilenetv3-l_1xb8-300_own-faces-teeth-128x128')
CONFIGS = dict(finetune=CONFIG + '_finetune.py', scratch=CONFIG + '.py')
NEW_CLASS = 'teeth'
QUICK = dict(split_sizes=[16, 4, 4], image_size=96, size=64, iters=4)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Fine-tune the demo SegFace to a new class list and '
        'compare it with training from scratch.')
    parser.add_argument(
        '--work-dir', default='work_dirs/finetune', help='output folder')
    parser.add_argument(
        '--checkpoint',
        default='work_dirs/demo/best_mF1_iter_1000.pth',
        help='the 19-class demo checkpoint (make demo writes it)')
    parser.add_argument(
        '--iters',
        type=int,
        help='iterations of each run (default: the configs\', 300)')
    parser.add_argument(
        '--split-sizes',
        type=int,
        nargs=3,
        default=[800, 100, 200],
        metavar=('TRAIN', 'VAL', 'TEST'),
        help='faces to draw per split')
    parser.add_argument('--image-size', type=int, default=256)
    parser.add_argument(
        '--size', type=int, help='network input side (default: 128)')
    parser.add_argument('--seed', type=int, default=1, help='data seed')
    parser.add_argument('--nproc', type=int, default=2)
    parser.add_argument('--overlays', type=int, default=4)
    parser.add_argument(
        '--data-only',
        action='store_true',
        help='only draw the data (for tools/train.py by hand)')
    parser.add_argument(
        '--quick',
        action='store_true',
        help='a tiny run that only checks the pipeline')
    args = parser.parse_args(argv)
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
    return args


def run_config(args, run, data_root):
    """The run's config: the demo's command-line changes, its work dir,
    and the checkpoint to fine-tune from."""
    options = SimpleNamespace(
        config=CONFIGS[run],
        work_dir=osp.join(args.work_dir, run),
        size=args.size,
        iters=args.iters)
    cfg = faces.demo_config(options, data_root)
    for hook in cfg.get('custom_hooks', []):
        if hook.type == 'ClassTransferHook':
            hook.checkpoint = args.checkpoint
    cfg.visualizer.name = f'visualizer_{run}'
    return cfg


def train_and_score(args, run, data_root):
    """Train one run, score it on the test split; scores and seconds."""
    cfg = run_config(args, run, data_root)
    print_log(
        f'[{run}] {cfg.train_cfg.max_iters} iterations on '
        f'{torch.get_num_threads()} thread(s)',
        logger='current')
    start = time.time()
    runner = Runner.from_cfg(cfg)
    runner.train()
    seconds = time.time() - start
    result = faces.evaluate(runner, cfg.work_dir, args.overlays)
    result.pop('palette')
    result.update(iters=cfg.train_cfg.max_iters, train_seconds=seconds)
    return result


def comparison_table(results):
    """Rows: run, iterations, mean F1, new-class F1, training minutes."""
    lines = [
        '| run | iterations | mean F1 | teeth F1 | training time |',
        '|---|---|---|---|---|'
    ]
    for run, result in results.items():
        f1 = result['F1'][result['classes'].index(NEW_CLASS)]
        teeth = '-' if f1 is None else f'{f1:.2f}'
        lines.append(f'| {run} | {result["iters"]} | {result["mF1"]:.2f} | '
                     f'{teeth} | {result["train_seconds"] / 60:.1f} min |')
    return '\n'.join(lines)


def per_class_table(results):
    """Class by class F1 of each run."""
    runs = list(results)
    first = results[runs[0]]
    lines = [
        '| class | ' + ' | '.join(runs) + ' |', '|---' * (1 + len(runs)) + '|'
    ]
    for i, name in enumerate(first['classes'][1:], 1):
        cells = [results[r]['F1'][i] for r in runs]
        lines.append(f'| {name} | ' +
                     ' | '.join('-' if v is None else f'{v:.2f}'
                                for v in cells) + ' |')
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    if not args.data_only and not osp.isfile(args.checkpoint):
        raise SystemExit(f'error: {args.checkpoint}: no such checkpoint; '
                         'run `make demo` first (it trains the 19-class '
                         'demo model), or pass --checkpoint')
    start = time.time()
    data_root = osp.join(args.work_dir, 'data')
    meta = write_own_faces(
        data_root,
        split_sizes=tuple(args.split_sizes),
        image_size=args.image_size,
        seed=args.seed,
        nproc=args.nproc)
    print_log(
        'images per class: ' + json.dumps(meta['images_with']),
        logger='current')
    if args.data_only:
        return meta
    results = {
        run: train_and_score(args, run, data_root)
        for run in ('finetune', 'scratch')
    }
    summary = dict(
        runs=results,
        threads=torch.get_num_threads(),
        total_seconds=time.time() - start,
        args=vars(args))
    atomic_write_bytes(
        osp.join(args.work_dir, 'comparison.json'),
        json.dumps(summary, indent=2).encode())
    print()
    print(per_class_table(results))
    print()
    print(comparison_table(results))
    classes = results['finetune']['classes']
    with_teeth = results['finetune']['test_images_with'][classes.index(
        NEW_CLASS)]
    print(f'\n{len(classes) - 1} face classes, '
          f'{meta["split_sizes"]["test"]} test faces ({with_teeth} with '
          f'{NEW_CLASS}); '
          f'{torch.get_num_threads()} thread(s), '
          f'{summary["total_seconds"] / 60:.1f} min in all')
    return summary


if __name__ == '__main__':
    main()
