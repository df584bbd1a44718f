# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The input-validation layer of the dataset converters.

Every raw file a converter reads goes through these readers and checks; a
bad input raises :class:`ConversionError` whose message starts with the
file's (or folder's) path and says what is wrong, which
:func:`~.common.run_tasks` turns into a stop or, with ``skip_bad``, a
listed skip.
"""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from PIL import Image

from ...utils.errors import ConversionError
from ..sample_checks import first_few


def require_file(path: str, what: str = 'file') -> str:
    """Return ``path`` if it is a file, else raise :class:`ConversionError`."""
    if not osp.isfile(path):
        raise ConversionError(f'{path}: missing {what}')
    return path


def require_dir(path: str, what: str = 'folder') -> str:
    """Return ``path`` if it is a folder, else raise
    :class:`ConversionError`."""
    if not osp.isdir(path):
        raise ConversionError(f'{path}: missing {what}')
    return path


def list_by_suffix(folder: str, suffix: str) -> Dict[str, str]:
    """Files of ``folder`` ending in ``suffix`` in any case (``.jpg``,
    ``.JPG``), by name without the suffix.

    Raises:
        ConversionError: Two files that differ only in the suffix's case.
    """
    found = {}
    for name in sorted(os.listdir(folder)):
        if name.lower().endswith(suffix.lower()):
            stem = name[:-len(suffix)]
            if stem in found:
                raise ConversionError(
                    f'{osp.join(folder, name)}: same name as '
                    f'{osp.join(folder, found[stem])}')
            found[stem] = name
    return found


def check_disjoint_splits(names: Dict[str, Sequence[str]], where: str) -> None:
    """Raise if a sample name is in two splits (train/test leakage)."""
    seen = {}
    for split, split_names in names.items():
        for name in split_names:
            if name in seen:
                raise ConversionError(
                    f'{where}: {name} is in both the {seen[name]} and the '
                    f'{split} split')
            seen[name] = split


def check_complete(where: str,
                   missing: Sequence[str],
                   what: str,
                   hint: str,
                   skip_bad: bool = False) -> List[str]:
    """Entries of one list of the download that another list lacks (a
    partial download, a partition file of another version).

    Args:
        where (str): The file or folder that lacks them.
        missing (Sequence[str]): The entries.
        what (str): What they are, plural (``'images of the mapping file
            are not listed'``).
        hint (str): What to do (``'use the complete file'``).
        skip_bad (bool): Return them for the summary instead of raising.

    Returns:
        list[str]: One message per entry (empty if none is missing).

    Raises:
        ConversionError: Some are missing and not ``skip_bad``; the message
            says how many and names the first few.
    """
    if not missing:
        return []
    if not skip_bad:
        raise ConversionError(
            f'{where}: {len(missing)} {what}: {first_few(missing)}; {hint}, '
            'or pass --skip-bad to leave them out')
    return [
        f'{where}: {name}: one of the {len(missing)} {what}'
        for name in missing
    ]


def check_finite_points(path: str, points: np.ndarray, what: str) -> None:
    """Raise if landmark coordinates are NaN or infinite."""
    if not np.isfinite(points).all():
        raise ConversionError(f'{path}: {what} are not all finite numbers '
                              '(NaN or inf)')


def read_image(path: str, mode: Optional[str] = None) -> Image.Image:
    """Open and fully decode an image, so truncated files are caught.

    Args:
        path (str): Image file.
        mode (str, optional): PIL mode to convert to ('RGB', 'L').

    Returns:
        PIL.Image.Image: The decoded image.
    """
    require_file(path, 'image')
    try:
        with Image.open(path) as img:
            img.load()
            return img.convert(mode) if mode else img.copy()
    except (OSError, SyntaxError, ValueError) as err:
        raise ConversionError(
            f'{path}: truncated or corrupt image ({err})') from err


def read_image_as_official(path: str) -> np.ndarray:
    """Decode an image as the official SegFace loaders (and mmseg's
    ``LoadImageFromFile``) do: OpenCV, then BGR -> RGB.

    Validate the file with :func:`read_image` first: OpenCV decodes a
    truncated JPEG without an error.

    Args:
        path (str): Image file.

    Returns:
        np.ndarray: H x W x 3 uint8 RGB.
    """
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise ConversionError(f'{path}: OpenCV cannot decode it')
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def read_label(path: str) -> np.ndarray:
    """Read a single-channel label map as an H x W uint8 array.

    An 'RGB' label is accepted only when its three channels are equal.
    """
    img = read_image(path)
    label = np.asarray(img)
    if label.ndim == 3:
        if not (label[..., :1] == label[..., :3]).all():
            raise ConversionError(
                f'{path}: label must be single-channel, got a {img.mode} '
                'image with differing channels')
        label = label[..., 0]
    if label.dtype != np.uint8:
        if label.min() < 0 or label.max() > 255:
            raise ConversionError(
                f'{path}: label values must fit in uint8, got '
                f'{label.min()}..{label.max()}')
        label = label.astype(np.uint8)
    return np.ascontiguousarray(label)


def check_size(path: str, size: Tuple[int, int], expected: Tuple[int,
                                                                 int]) -> None:
    """Raise if ``size`` (w, h) differs from ``expected`` (w, h)."""
    if tuple(size) != tuple(expected):
        raise ConversionError(f'{path}: size {size[0]}x{size[1]}, expected '
                              f'{expected[0]}x{expected[1]}')


def check_label_values(path: str,
                       label: np.ndarray,
                       num_classes: int,
                       ignore_index: int = 255) -> None:
    """Raise if ``label`` holds values other than 0..N-1 and ignore."""
    values = np.unique(label)
    bad = values[(values >= num_classes) & (values != ignore_index)]
    if bad.size:
        raise ConversionError(
            f'{path}: label values {bad.tolist()} are outside the '
            f'{num_classes} classes (0-{num_classes - 1}, or '
            f'{ignore_index} for ignore)')


def read_numbers(path: str) -> List[float]:
    """All whitespace-separated numbers of a text file."""
    require_file(path)
    with open(path) as f:
        tokens = f.read().split()
    try:
        return [float(t) for t in tokens]
    except ValueError as err:
        raise ConversionError(f'{path}: not a list of numbers ({err})')
