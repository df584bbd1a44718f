# Copyright (c) segface-mmseg contributors. All rights reserved.
"""LaPa: official download -> mmseg layout with 5-point landmarks.

Input (``raw_root``), as downloaded::

    {train,val,test}/images/{name}.jpg
    {train,val,test}/labels/{name}.png        label ids 0-10
    {train,val,test}/landmarks/{name}.txt     106, then 106 lines "x y"

Output (``out_dir``)::

    img_dir/{split}/{name}.jpg                the image, bytes unchanged
    ann_dir/{split}/{name}.png                the label, single channel
    landmarks/{split}/{name}.txt              5 lines "x y", image pixels
    {split}.txt                               names, one a line
"""
import os.path as osp
from typing import Sequence

import numpy as np

from ...classes import LAPA_CLASSES
from .common import (convert_all, copy_file, outputs_current, save_image,
                     write_landmarks)
from .input_checks import (ConversionError, check_complete,
                           check_disjoint_splits, check_finite_points,
                           check_label_values, check_size, list_by_suffix,
                           read_image, read_label, read_numbers, require_dir)

SPLITS = ('train', 'val', 'test')


def read_lapa_landmarks(path: str) -> np.ndarray:
    """The 106 points of a LaPa landmark file, 106 x 2 (x, y)."""
    values = read_numbers(path)
    if len(values) != 1 + 106 * 2 or values[0] != 106:
        raise ConversionError(
            f'{path}: expected the count 106 followed by 106 "x y" pairs, '
            f'got {len(values)} numbers starting with '
            f'{values[0] if values else None}')
    points = np.asarray(values[1:], np.float64).reshape(106, 2)
    check_finite_points(path, points, 'the 106 landmarks')
    return points


def five_points_from_lapa106(points: np.ndarray) -> np.ndarray:
    """SegFace's 5 alignment points from LaPa's 106 landmarks.

    Eye centres (mean of points 74 and 104, and of 83 and 105), nose tip
    54, mouth corners 84 and 90 (0-based), in this order.

    Args:
        points (np.ndarray): 106 x 2 (x, y).

    Returns:
        np.ndarray: 5 x 2 float64.
    """
    return np.stack([(points[74] + points[104]) / 2,
                     (points[83] + points[105]) / 2, points[54], points[84],
                     points[90]]).astype(np.float64)


def _convert_one(task):
    split, name, image_file, raw_root, out_dir = task
    outs = [
        osp.join(out_dir, 'img_dir', split, f'{name}.jpg'),
        osp.join(out_dir, 'ann_dir', split, f'{name}.png'),
        osp.join(out_dir, 'landmarks', split, f'{name}.txt')
    ]
    src = osp.join(raw_root, split)
    img_path = osp.join(src, 'images', image_file)
    label_path = osp.join(src, 'labels', f'{name}.png')
    landmark_path = osp.join(src, 'landmarks', f'{name}.txt')
    status = 'converted'
    if all(osp.isfile(p) for p in outs):
        if outputs_current(outs, [img_path, label_path, landmark_path]):
            return 'existing', split, name
        status = 'upgraded'  # a raw file changed since
    image = read_image(img_path)
    label = read_label(label_path)
    check_size(label_path, label.shape[::-1], image.size)
    check_label_values(label_path, label, len(LAPA_CLASSES))
    points = five_points_from_lapa106(read_lapa_landmarks(landmark_path))
    save_image(outs[1], label, 'PNG')
    write_landmarks(outs[2], points)
    copy_file(img_path, outs[0])
    return status, split, name


def convert_lapa(raw_root: str,
                 out_dir: str,
                 nproc: int = 1,
                 splits: Sequence[str] = SPLITS,
                 skip_bad: bool = False) -> dict:
    """Convert the LaPa download to mmseg's layout.

    Images are copied unchanged, labels re-saved as single-channel PNGs
    after checking them, and the 106 landmarks reduced to SegFace's 5
    alignment points (:func:`five_points_from_lapa106`) in the image's
    pixel frame. Re-running skips finished samples and converts again those
    whose raw files changed since. Image names are matched in any case
    (``.jpg``, ``.JPG``); a name in two splits is an error, and so are
    labels or landmark files without their image (how many, and the first
    few; listed and left out with ``skip_bad``). An image without its label
    or landmark file is a bad input of its own.

    Args:
        raw_root (str): The download folder (see the module docstring).
        out_dir (str): Output root.
        nproc (int): Worker processes. Default: 1.
        splits (Sequence[str]): Split folders to convert. Default: all.
        skip_bad (bool): Skip and list bad inputs instead of stopping.
            Default: False.

    Returns:
        dict: Summary, see :func:`common.summarize`.

    Raises:
        ConversionError: A bad input file (named in the message), unless
            ``skip_bad``.
    """
    images = {}  # split -> name -> image file ('.jpg' in any case)
    unmatched = []  # labels and landmarks without their image
    for split in splits:
        for sub in ('images', 'labels', 'landmarks'):
            require_dir(osp.join(raw_root, split, sub))
        folder = osp.join(raw_root, split, 'images')
        images[split] = list_by_suffix(folder, '.jpg')
        others = set(
            list_by_suffix(osp.join(raw_root, split, 'labels'), '.png'))
        others |= set(
            list_by_suffix(osp.join(raw_root, split, 'landmarks'), '.txt'))
        unmatched += check_complete(
            folder,
            sorted(others - set(images[split])),
            f'names of {split}/labels or {split}/landmarks have no image '
            'here',
            'complete the download',
            skip_bad=skip_bad)
    names = {split: sorted(found) for split, found in images.items()}
    check_disjoint_splits(names, raw_root)
    tasks = [(split, name, images[split][name], raw_root, out_dir)
             for split in splits for name in names[split]]
    return convert_all(
        _convert_one,
        tasks,
        names,
        out_dir,
        nproc,
        skip_bad,
        skipped=unmatched)
