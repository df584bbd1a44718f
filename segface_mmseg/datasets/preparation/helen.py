# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Helen (the relabeled version SegFace uses) -> mmseg layout.

Input (``raw_root``)::

    {train,test}/{name}_image.jpg
    {train,test}/{name}_label.png              label ids 0-10
    {train,test}/{name}_viz.jpg                (ignored)
    landmarks.txt                              per line: 68 "x y" pairs
                                               (136 numbers), then the name

Output (``out_dir``), cropped around the face as the official code does (the
image decoded as the official loader decodes it, with OpenCV)::

    img_dir/{split}/{name}.png                 the crop (lossless)
    ann_dir/{split}/{name}.png
    landmarks/{split}/{name}.txt               5 lines "x y", crop pixels
    {split}.txt                                names, one a line
"""
import os.path as osp
from typing import Dict, Sequence, Tuple

import numpy as np

from ...classes import HELEN_CLASSES
from .common import convert_all, outputs_current, save_image, write_landmarks
from .input_checks import (ConversionError, check_disjoint_splits,
                           check_finite_points, check_label_values, check_size,
                           list_by_suffix, read_image, read_image_as_official,
                           read_label, require_dir, require_file)

SPLITS = ('train', 'test')
LANDMARK_FILE = 'landmarks.txt'


def read_helen_landmarks(path: str) -> Dict[str, np.ndarray]:
    """The 68 points of every image in ``landmarks.txt``, 68 x 2 (x, y)."""
    require_file(path, 'Helen landmark file')
    landmarks = {}
    with open(path) as f:
        for line_no, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            try:
                if len(fields) != 137:
                    raise ValueError(f'{len(fields)} fields')
                points = np.asarray(fields[:136], np.float32).reshape(68, 2)
            except ValueError as err:
                raise ConversionError(
                    f'{path}: line {line_no} is not 136 numbers and a name '
                    f'({err})')
            landmarks[fields[-1]] = points
    return landmarks


def official_crop_box(points: np.ndarray, width: int, height: int,
                      landmark_scale: float) -> Tuple[int, int, int, int]:
    """The official Helen face crop, ``(x1, y1, x2, y2)``.

    The landmarks (scaled by ``landmark_scale``) give a bounding box; a
    square of 1.2 times its larger side, centred on it, clipped to the image
    (no padding, so it may end up non-square). Integer arithmetic as the
    official code.
    """
    points = points * np.array([landmark_scale, landmark_scale])
    xy = np.min(points, axis=0).astype(np.float32)
    zz = np.max(points, axis=0).astype(np.float32)
    wh = zz - xy + 1
    center = (xy + wh / 2).astype(np.int32)
    box_size = int(np.max(wh) * 1.2)
    x1, y1 = (center - box_size // 2).tolist()
    x2, y2 = x1 + box_size, y1 + box_size
    return max(0, x1), max(0, y1), min(width, x2), min(height, y2)


def five_points_from_68(points: np.ndarray) -> np.ndarray:
    """5 alignment points from 68 landmarks, in LaPa's order.

    Eye centres (mean of points 36-41, then of 42-47), nose tip 30, mouth
    corners 48 and 54 (0-based), as the official Helen loader.

    Args:
        points (np.ndarray): 68 x 2 (x, y).

    Returns:
        np.ndarray: 5 x 2 float64.
    """
    return np.stack([
        points[36:42].mean(0), points[42:48].mean(0), points[30], points[48],
        points[54]
    ]).astype(np.float64)


def _convert_one(task):
    split, name, image_file, raw_root, out_dir, points, landmark_scale = task
    outs = [
        osp.join(out_dir, 'img_dir', split, f'{name}.png'),
        osp.join(out_dir, 'ann_dir', split, f'{name}.png'),
        osp.join(out_dir, 'landmarks', split, f'{name}.txt')
    ]
    landmark_file = osp.join(raw_root, LANDMARK_FILE)
    img_path = osp.join(raw_root, split, image_file)
    label_path = osp.join(raw_root, split, f'{name}_label.png')
    status = 'converted'
    if all(osp.isfile(p) for p in outs):
        if outputs_current(outs, [img_path, label_path, landmark_file]):
            return 'existing', split, name
        status = 'upgraded'  # a raw file changed since
    if points is None:
        raise ConversionError(f'{landmark_file}: no landmarks for {name}')
    check_finite_points(landmark_file, points, f'the landmarks of {name}')
    size = read_image(img_path).size  # decoded to catch damaged files
    label = read_label(label_path)
    check_size(label_path, label.shape[::-1], size)
    check_label_values(label_path, label, len(HELEN_CLASSES))
    x1, y1, x2, y2 = official_crop_box(points, *size, landmark_scale)
    if x2 <= x1 or y2 <= y1:
        raise ConversionError(f'{landmark_file}: the landmarks of {name} '
                              f'fall outside its {size} image')
    points = points * landmark_scale - np.array([x1, y1])
    save_image(outs[1], label[y1:y2, x1:x2], 'PNG')
    write_landmarks(outs[2], five_points_from_68(points))
    # the crop of the pixels the official loader decodes
    image = read_image_as_official(img_path)
    save_image(outs[0], image[y1:y2, x1:x2], 'PNG')
    return status, split, name


def convert_helen(raw_root: str,
                  out_dir: str,
                  nproc: int = 1,
                  splits: Sequence[str] = SPLITS,
                  landmark_scale: float = 0.5,
                  skip_bad: bool = False) -> dict:
    """Convert the relabeled Helen download to mmseg's layout.

    Image and label are cropped around the face as the official loader does
    (:func:`official_crop_box`) and saved as PNG; the 68 landmarks become 5
    alignment points (:func:`five_points_from_68`) in the crop's frame.
    SegFace trains on ``train`` and uses ``test`` for validation and test.
    Re-running skips finished samples and converts again those whose raw
    files changed since. A name in two splits is an error.

    Args:
        raw_root (str): The download folder (see the module docstring).
        out_dir (str): Output root.
        nproc (int): Worker processes. Default: 1.
        splits (Sequence[str]): Split folders to convert. Default:
            ('train', 'test').
        landmark_scale (float): Factor from ``landmarks.txt`` coordinates to
            image pixels (the relabeled images are half size). Default: 0.5.
        skip_bad (bool): Skip and list bad inputs instead of stopping.
            Default: False.

    Returns:
        dict: Summary, see :func:`common.summarize`.

    Raises:
        ConversionError: A bad input file (named in the message), unless
            ``skip_bad``.
    """
    landmarks = read_helen_landmarks(osp.join(raw_root, LANDMARK_FILE))
    images, names = {}, {}
    for split in splits:
        folder = require_dir(osp.join(raw_root, split))
        images[split] = list_by_suffix(folder, '_image.jpg')
        labels = list_by_suffix(folder, '_label.png')
        names[split] = sorted(set(images[split]) | set(labels))
    check_disjoint_splits(names, raw_root)
    tasks = [(split, name, images[split].get(name, f'{name}_image.jpg'),
              raw_root, out_dir, landmarks.get(name), landmark_scale)
             for split in splits for name in names[split]]
    return convert_all(_convert_one, tasks, names, out_dir, nproc, skip_bad)
