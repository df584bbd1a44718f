# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The whole SegFace pipeline on drawn faces, on the CPU, in one command.

1. Draw a synthetic face-parsing dataset in the raw CelebAMask-HQ download
   layout (seeded; rare accessories with the real data's long tail).
2. Convert it with the CelebAMask-HQ converter to mmseg's layout.
3. Train a small SegFace (MobileNetV3-Large, from scratch) with mmseg's
   Runner; the log shows the progress.
4. Evaluate on the test split with the paper-protocol metric and print the
   per-class table.
5. Save prediction overlays (image | prediction | ground truth) and a
   per-class F1 bar chart.

Example::

    python demo/synthetic_faces_demo.py               # or: make demo
    python demo/synthetic_faces_demo.py --quick       # a one-minute run

Everything goes under ``--work-dir`` (default ``work_dirs/demo``); the
drawn and converted data are reused by later runs with the same data
arguments.
"""
import os

# Worker threads sleep instead of spinning while they wait: on a machine
# whose cores are shared, spinning threads slow training down many times.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import argparse  # noqa: E402
import json  # noqa: E402
import os.path as osp  # noqa: E402
import time  # noqa: E402

# the demo's package, beside this script
import synthetic_faces as faces  # noqa: E402
import torch  # noqa: E402
from mmengine.logging import print_log  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from segface_mmseg.apis import network_input_size  # noqa: E402
from segface_mmseg.utils import atomic_write_bytes  # noqa: E402

QUICK = dict(num_images=48, image_size=128, size=64, iters=6, overlays=2)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Draw a synthetic face-parsing dataset, convert it, '
        'train SegFace on the CPU, evaluate it and save pictures.')
    parser.add_argument(
        '--work-dir', default='work_dirs/demo', help='output folder')
    parser.add_argument(
        '--config', default=faces.DEFAULT_CONFIG, help='the demo config')
    parser.add_argument(
        '--num-images', type=int, default=3000, help='faces to draw')
    parser.add_argument(
        '--image-size',
        type=int,
        default=256,
        help='side of the drawn images (masks are half as large, as in '
        'CelebAMask-HQ; the pipeline resizes images to the network size)')
    parser.add_argument(
        '--size',
        type=int,
        help='network input side (default: the config\'s, 128)')
    parser.add_argument(
        '--iters', type=int, help='training iterations (default: config)')
    parser.add_argument(
        '--overlays', type=int, default=8, help='overlay pictures to save')
    parser.add_argument('--seed', type=int, default=0, help='data seed')
    parser.add_argument(
        '--nproc', type=int, default=2, help='processes for the data')
    parser.add_argument(
        '--threads', type=int, help='torch threads (default: torch\'s)')
    parser.add_argument(
        '--quick',
        action='store_true',
        help='a tiny run that only checks the pipeline (48 faces of 128 px, '
        '6 iterations at 64 px)')
    args = parser.parse_args(argv)
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    start = time.time()
    os.makedirs(args.work_dir, exist_ok=True)

    # 1.-2. data: drawn in the raw CelebAMask-HQ layout, then converted
    print_log('[1-2/5] synthetic faces, converted', logger='current')
    data_root, meta = faces.prepare_synthetic_celebamask_hq(
        osp.join(args.work_dir, 'data'),
        num_images=args.num_images,
        image_size=args.image_size,
        seed=args.seed,
        nproc=args.nproc)
    print_log(
        'images per class: ' + json.dumps(meta['images_with']),
        logger='current')
    data_done = time.time()

    # 3. training, driven by mmseg's Runner (its log shows the progress)
    cfg = faces.demo_config(args, data_root)
    print_log(
        f'[3/5] training SegFace for {cfg.train_cfg.max_iters} iterations '
        f'at {network_input_size(cfg)[0]} px on '
        f'{torch.get_num_threads()} thread(s)',
        logger='current')
    runner = Runner.from_cfg(cfg)
    runner.train()
    train_done = time.time()

    # 4.-5. evaluation, table, pictures
    runner.logger.info('[4/5] evaluating on the test split')
    result = faces.evaluate(runner, args.work_dir, args.overlays)
    chart = osp.join(args.work_dir, 'per_class_f1.png')
    faces.bar_chart(result, result.pop('palette'), chart)
    result.update(
        seconds=dict(
            data=round(data_done - start, 1),
            train=round(train_done - data_done, 1),
            total=round(time.time() - start, 1)),
        iters=cfg.train_cfg.max_iters,
        threads=torch.get_num_threads(),
        args=vars(args))
    atomic_write_bytes(
        osp.join(args.work_dir, 'per_class_f1.json'),
        json.dumps(result, indent=2).encode())
    runner.logger.info('[5/5] done')
    print()
    faces.print_table(result)
    print(f'\ntime: {result["seconds"]["total"] / 60:.1f} min '
          f'(data {result["seconds"]["data"]:.0f} s, training '
          f'{result["seconds"]["train"]:.0f} s)')
    print(f'pictures: {osp.join(args.work_dir, "overlays")}'
          f'/*.png (image | prediction | ground truth) and {chart}')
    return result


if __name__ == '__main__':
    main()
