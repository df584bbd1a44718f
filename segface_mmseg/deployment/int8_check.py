# Copyright (c) segface-mmseg contributors. All rights reserved.
"""int8 against fp32 on held-out images: label agreement and each class's
F1, against ground-truth labels where there are some, else against the
fp32 model's labels."""
from dataclasses import dataclass
from typing import List, Optional, Sequence

import numpy as np


@dataclass
class Int8Tolerance:
    """How far int8 may fall behind fp32 before it is refused.

    Attributes:
        min_agreement (float): Share of pixels with fp32's label.
        max_mean_f1_drop (float): Mean F1 drop, points (0-100).
        max_class_f1_drop (float): Any class's F1 drop, points.
        min_class_pixels (int): Classes with fewer reference pixels in the
            held-out images are reported, not judged.
    """
    min_agreement: float = 0.98
    max_mean_f1_drop: float = 0.5
    max_class_f1_drop: float = 2.0
    min_class_pixels: int = 1000


def _counts(pred: np.ndarray, ref: np.ndarray, num_classes: int,
            ignore_index: int) -> np.ndarray:
    """``num_classes x 3`` true positives, predicted and reference pixels."""
    valid = ref != ignore_index
    pred, ref = pred[valid].astype(np.int64), ref[valid].astype(np.int64)
    tp = np.bincount(ref[pred == ref], minlength=num_classes)[:num_classes]
    predicted = np.bincount(pred, minlength=num_classes)[:num_classes]
    actual = np.bincount(ref, minlength=num_classes)[:num_classes]
    return np.stack([tp, predicted, actual], axis=1)


def _f1(counts: np.ndarray) -> np.ndarray:
    tp, predicted, actual = counts.T.astype(np.float64)
    with np.errstate(invalid='ignore', divide='ignore'):
        return np.where(predicted + actual > 0,
                        200.0 * tp / (predicted + actual), np.nan)


def compare_labels(fp32_labels: Sequence[np.ndarray],
                   int8_labels: Sequence[np.ndarray],
                   classes: Sequence[str],
                   references: Optional[Sequence[np.ndarray]] = None,
                   ignore_index: int = 255) -> dict:
    """Agreement and per-class F1 of int8 and fp32 label maps.

    Args:
        fp32_labels, int8_labels (Sequence[np.ndarray]): ``H x W`` label
            maps of the same images.
        classes (Sequence[str]): Class names by id.
        references (Sequence[np.ndarray], optional): Ground-truth label maps
            of the images; None: fp32's labels are the reference.
        ignore_index (int): Reference value that is not scored.

    Returns:
        dict: ``agreement``, ``reference`` (``'labels'`` or ``'fp32'``),
        ``classes``: per class ``name``, ``pixels`` (reference),
        ``fp32_f1`` and ``int8_f1`` (points, NaN where absent),
        ``mean_fp32_f1``, ``mean_int8_f1`` (over the classes but id 0
        present in the reference).
    """
    num = len(classes)
    same = total = 0
    fp32_counts = np.zeros((num, 3), np.int64)
    int8_counts = np.zeros((num, 3), np.int64)
    refs = references if references is not None else fp32_labels
    for fp32, int8, ref in zip(fp32_labels, int8_labels, refs):
        same += int((fp32 == int8).sum())
        total += fp32.size
        fp32_counts += _counts(fp32, ref, num, ignore_index)
        int8_counts += _counts(int8, ref, num, ignore_index)
    fp32_f1, int8_f1 = _f1(fp32_counts), _f1(int8_counts)
    present = fp32_counts[:, 2] > 0
    present[0] = False  # the mean F1 of face parsing leaves out background
    rows: List[dict] = [
        dict(
            name=name,
            pixels=int(fp32_counts[i, 2]),
            fp32_f1=float(fp32_f1[i]),
            int8_f1=float(int8_f1[i])) for i, name in enumerate(classes)
    ]
    return dict(
        agreement=same / max(total, 1),
        reference='labels' if references is not None else 'fp32',
        classes=rows,
        mean_fp32_f1=float(np.nanmean(fp32_f1[present]))
        if present.any() else float('nan'),
        mean_int8_f1=float(np.nanmean(int8_f1[present]))
        if present.any() else float('nan'))


def tolerance_failures(report: dict, tolerance: Int8Tolerance) -> List[str]:
    """What in a :func:`compare_labels` report is beyond ``tolerance``."""
    failures = []
    if report['agreement'] < tolerance.min_agreement:
        failures.append(f'{100 * report["agreement"]:.2f}% of pixels agree '
                        f'(< {100 * tolerance.min_agreement:.2f}%)')
    drop = report['mean_fp32_f1'] - report['mean_int8_f1']
    if drop > tolerance.max_mean_f1_drop:
        failures.append(f'mean F1 drops {drop:.2f} points '
                        f'(> {tolerance.max_mean_f1_drop})')
    for row in report['classes']:
        drop = row['fp32_f1'] - row['int8_f1']
        if (row['pixels'] >= tolerance.min_class_pixels
                and drop > tolerance.max_class_f1_drop):
            failures.append(f'{row["name"]} F1 drops {drop:.2f} points '
                            f'(> {tolerance.max_class_f1_drop})')
    return failures


def _points(value: float, sign: bool = False) -> str:
    if value != value:  # NaN: absent from both
        return '-'
    return f'{value:+.2f}' if sign else f'{value:.2f}'


def format_report(report: dict) -> str:
    """A Markdown table of a :func:`compare_labels` report."""
    lines = [
        f'int8 vs fp32 on the held-out images: {100 * report["agreement"]:.2f}'
        f'% of pixels with the same label; F1 against '
        f'{"the labels" if report["reference"] == "labels" else "fp32"}', '',
        '| class | pixels | fp32 F1 | int8 F1 | change |',
        '|---|---:|---:|---:|---:|'
    ]
    rows = report['classes'] + [
        dict(
            name='mean (no background)',
            pixels='',
            fp32_f1=report['mean_fp32_f1'],
            int8_f1=report['mean_int8_f1'])
    ]
    for row in rows:
        lines.append(f'| {row["name"]} | {row["pixels"]} | '
                     f'{_points(row["fp32_f1"])} | '
                     f'{_points(row["int8_f1"])} | '
                     f'{_points(row["int8_f1"] - row["fp32_f1"], True)} |')
    return '\n'.join(lines)
