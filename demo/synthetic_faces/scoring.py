# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Scoring the demo's model: per-class table, overlays, bar chart."""
import os.path as osp

import cv2
import numpy as np
import torch
from mmengine.utils import ProgressBar

from segface_mmseg.apis import atomic_write_image
from segface_mmseg.evaluation import FaceParsingMetric
from segface_mmseg.utils import atomic_output
from .accessories import ACCESSORY_RATES

# The rare accessories (the long tail), marked in the tables and charts.
TAIL_CLASSES = tuple(ACCESSORY_RATES)


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
    """Print the per-class F1 and test-image counts, then the mean F1."""
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
