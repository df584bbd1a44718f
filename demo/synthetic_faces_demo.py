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

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.logging import print_log  # noqa: E402
from mmengine.runner import Runner  # noqa: E402
from mmengine.utils import ProgressBar  # noqa: E402
# the face generator, the package beside this script
from synthetic_faces import prepare_synthetic_celebamask_hq  # noqa: E402

from segface_mmseg.apis import atomic_write_image  # noqa: E402
from segface_mmseg.evaluation import FaceParsingMetric  # noqa: E402
from segface_mmseg.utils import atomic_output, atomic_write_bytes  # noqa

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_CONFIG = osp.join(
    REPO_ROOT, 'configs', 'demo',
    'segface_mobilenetv3-l_1xb8-1k_synthetic-faces-128x128.py')
TAIL_CLASSES = ('eye_g', 'hat', 'ear_r', 'neck_l')
QUICK = dict(num_images=48, image_size=128, size=64, iters=6, overlays=2)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Draw a synthetic face-parsing dataset, convert it, '
        'train SegFace on the CPU, evaluate it and save pictures.')
    parser.add_argument(
        '--work-dir', default='work_dirs/demo', help='output folder')
    parser.add_argument(
        '--config', default=DEFAULT_CONFIG, help='the demo config')
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


# ------------------------------------------------------------------ model
def demo_config(args, data_root):
    """The demo config with the command line's changes applied."""
    cfg = Config.fromfile(args.config)
    cfg.work_dir = args.work_dir
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[name].dataset.data_root = data_root
        if args.size:
            for step in cfg[name].dataset.pipeline:
                if step.type == 'Resize':
                    step.scale = (args.size, args.size)
    if args.size:
        cfg.model.data_preprocessor.size = (args.size, args.size)
    if args.iters:
        iters = args.iters
        cfg.train_cfg.max_iters = iters
        cfg.train_cfg.val_interval = iters
        cfg.default_hooks.checkpoint.interval = iters
        cfg.default_hooks.logger.interval = min(
            cfg.default_hooks.logger.interval, max(1, iters // 5))
        for scheduler in cfg.param_scheduler:
            if scheduler.type == 'LinearLR':
                scheduler.end = min(scheduler.end, max(1, iters // 10))
            else:
                old_end = scheduler.end
                scheduler.end = iters
                if 'milestones' in scheduler:
                    scheduler.milestones = [
                        m * iters // old_end for m in scheduler.milestones
                    ]
    return cfg


# ------------------------------------------------------------- evaluation
def _blend(image, label, palette):
    """Half image, half class colour (RGB uint8)."""
    colours = np.asarray(palette, np.float64)[label]
    return np.round(0.5 * image + 0.5 * colours).astype(np.uint8)


def overlay_panel(sample, palette, min_side=256):
    """image | prediction overlay | ground-truth overlay.

    At the image's own resolution, enlarged by an integer factor (nearest
    neighbour) to at least ``min_side`` pixels so small images stay
    readable.
    """
    image = cv2.cvtColor(cv2.imread(sample.img_path), cv2.COLOR_BGR2RGB)
    pred = sample.pred_sem_seg.data[0].cpu().numpy()
    gt = sample.gt_sem_seg.data[0].cpu().numpy()
    panel = np.concatenate(
        [image,
         _blend(image, pred, palette),
         _blend(image, gt, palette)], 1)
    factor = max(1, -(-min_side // max(image.shape[:2])))
    return panel.repeat(factor, 0).repeat(factor, 1)


def evaluate(runner, out_dir, num_overlays):
    """Score the test split; save overlays; return the per-class scores.

    Runs the trained model over the test split, scores it with
    :class:`FaceParsingMetric` (which logs its per-class tables) and saves
    overlays: half of them of the first test faces, half of faces with a
    rare accessory.
    """
    model = runner.model
    model.eval()
    loader = runner.build_dataloader(runner.cfg.test_dataloader)
    meta = loader.dataset.metainfo
    classes, palette = meta['classes'], meta['palette']
    tail_ids = [classes.index(name) for name in TAIL_CLASSES]
    metric = FaceParsingMetric()
    metric.dataset_meta = meta
    images_with = np.zeros(len(classes), int)
    saved = []
    quota = dict(
        rare=num_overlays // 2, plain=num_overlays - num_overlays // 2)
    left = len(loader.dataset)
    progress = ProgressBar(left)
    with torch.no_grad():
        for batch in loader:
            samples = model.test_step(batch)
            metric.process(batch, [s.to_dict() for s in samples])
            for sample in samples:
                present = np.unique(sample.gt_sem_seg.data.cpu().numpy())
                images_with[present] += 1
                kind = 'rare' if set(tail_ids) & set(present) else 'plain'
                if quota[kind] == 0 and left <= sum(quota.values()):
                    # the last images fill what the other kind left over
                    kind = 'rare' if quota['rare'] else 'plain'
                if quota[kind] > 0:
                    quota[kind] -= 1
                    name = osp.splitext(osp.basename(sample.img_path))[0]
                    path = osp.join(out_dir, 'overlays', f'{name}.png')
                    atomic_write_image(
                        path,
                        cv2.cvtColor(
                            overlay_panel(sample, palette), cv2.COLOR_RGB2BGR))
                    saved.append(path)
                left -= 1
                progress.update()
    print()
    # the paper protocol (network resolution) is the first matrix of each
    # sample; evaluate() logs both per-class tables
    confusion = np.sum([r[0] for r in metric.results], axis=0)
    summary = metric.evaluate(len(loader.dataset))
    scores = FaceParsingMetric.scores_from_confusion(confusion)
    return dict(
        classes=list(classes),
        F1=[None if np.isnan(v) else round(float(v), 2) for v in scores['F1']],
        mF1=summary['mF1'],
        mIoU=summary['mIoU'],
        mF1_native=summary.get('mF1_native'),
        test_images_with=images_with.tolist(),
        overlays=saved,
        palette=[list(c) for c in palette])


def bar_chart(result, palette, path):
    """Per-class F1 bars, tail classes marked, mean F1 as a line."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    classes = result['classes'][1:]
    f1 = [np.nan if v is None else v for v in result['F1'][1:]]
    colours = [np.asarray(c) / 255 for c in palette[1:]]
    fig, ax = plt.subplots(figsize=(10, 4), dpi=100)
    bars = ax.bar(classes, np.nan_to_num(f1), color=colours, edgecolor='k')
    for bar, name in zip(bars, classes):
        if name in TAIL_CLASSES:
            bar.set_hatch('//')
    ax.axhline(result['mF1'], color='k', linestyle='--', linewidth=1)
    ax.text(
        len(classes) - 0.5,
        result['mF1'] + 1,
        f'mean F1 {result["mF1"]:.2f}',
        ha='right')
    ax.set_ylim(0, 105)
    ax.set_ylabel('F1 (%)')
    ax.set_title('SegFace on synthetic faces: per-class F1 on the test '
                 'split (hatched: rare accessories)')
    plt.setp(ax.get_xticklabels(), rotation=45, ha='right')
    fig.tight_layout()
    with atomic_output(path) as tmp:
        fig.savefig(tmp)
    plt.close(fig)


def print_table(result):
    rows = [('class', 'F1 (%)', 'test images')]
    for name, f1, count in zip(result['classes'], result['F1'],
                               result['test_images_with']):
        mark = '  (rare)' if name in TAIL_CLASSES else ''
        rows.append(
            (name + mark, '-' if f1 is None else f'{f1:.2f}', str(count)))
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [
        '  '.join(cell.ljust(w) for cell, w in zip(row, width)) for row in rows
    ]
    lines.insert(1, '-' * len(lines[0]))
    print('\n'.join(lines))
    print(f'mean F1 over the {len(result["classes"]) - 1} face classes '
          f'(paper protocol, background excluded): {result["mF1"]:.2f}')


def main(argv=None):
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    start = time.time()
    os.makedirs(args.work_dir, exist_ok=True)

    # 1.-2. data: drawn in the raw CelebAMask-HQ layout, then converted
    print_log('[1-2/5] synthetic faces, converted', logger='current')
    data_root, meta = prepare_synthetic_celebamask_hq(
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
    cfg = demo_config(args, data_root)
    print_log(
        f'[3/5] training SegFace for {cfg.train_cfg.max_iters} iterations '
        f'at {cfg.model.data_preprocessor.size[0]} px on '
        f'{torch.get_num_threads()} thread(s)',
        logger='current')
    runner = Runner.from_cfg(cfg)
    runner.train()
    train_done = time.time()

    # 4.-5. evaluation, table, pictures
    runner.logger.info('[4/5] evaluating on the test split')
    result = evaluate(runner, args.work_dir, args.overlays)
    chart = osp.join(args.work_dir, 'per_class_f1.png')
    bar_chart(result, result.pop('palette'), chart)
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
    print_table(result)
    print(f'\ntime: {result["seconds"]["total"] / 60:.1f} min '
          f'(data {result["seconds"]["data"]:.0f} s, training '
          f'{result["seconds"]["train"]:.0f} s)')
    print(f'pictures: {osp.join(args.work_dir, "overlays")}'
          f'/*.png (image | prediction | ground truth) and {chart}')
    return result


if __name__ == '__main__':
    main()
