# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The test pipeline's fixed-size resize (mmcv ``Resize`` with
``keep_ratio=False``) with NumPy and OpenCV alone.

``backend='cv2'`` is ``cv2.resize``. ``backend='pillow'`` reproduces
Pillow's ``Image.resize`` on 8-bit images exactly: a separable filter whose
support widens with the downscaling factor (antialiasing), weights in fixed
point with 22 fractional bits, the horizontal pass rounded to 8 bits before
the vertical one. Each output pixel sums only the taps of its window
(``K`` of them, a few times the downscaling factor), in int64 as Pillow
sums in 32-bit integers.
"""
from typing import Sequence, Tuple

import cv2
import numpy as np

CV2_INTERPOLATIONS = dict(
    nearest=cv2.INTER_NEAREST,
    bilinear=cv2.INTER_LINEAR,
    bicubic=cv2.INTER_CUBIC,
    area=cv2.INTER_AREA,
    lanczos=cv2.INTER_LANCZOS4)
_PRECISION_BITS = 32 - 8 - 2


def _bicubic(x: np.ndarray) -> np.ndarray:
    x = np.abs(x)
    a = -0.5
    return np.where(x < 1.0, ((a + 2.0) * x - (a + 3.0)) * x * x + 1,
                    np.where(x < 2.0, (((x - 5) * x + 8) * x - 4) * a, 0.0))


def _lanczos(x: np.ndarray) -> np.ndarray:
    return np.where(np.abs(x) < 3.0, np.sinc(x) * np.sinc(x / 3.0), 0.0)


# Pillow's filters and their supports
PILLOW_FILTERS = dict(
    bilinear=(lambda x: np.maximum(1.0 - np.abs(x), 0.0), 1.0),
    bicubic=(_bicubic, 2.0),
    lanczos=(_lanczos, 3.0))


def _pillow_weights(in_size: int, out_size: int,
                    kind: str) -> Tuple[np.ndarray, np.ndarray]:
    """The window of each output pixel of one Pillow pass: its first input
    index (``out_size``) and its fixed-point weights (``out_size x K``,
    zero beyond the window)."""
    filter_fn, support = PILLOW_FILTERS[kind]
    scale = in_size / out_size
    filter_scale = max(scale, 1.0)
    support *= filter_scale
    windows = []
    for xx in range(out_size):
        center = (xx + 0.5) * scale
        xmin = max(int(center - support + 0.5), 0)
        xmax = min(int(center + support + 0.5), in_size)
        taps = filter_fn((np.arange(xmin, xmax) - center + 0.5) / filter_scale)
        total = taps.sum()
        if total != 0.0:
            taps = taps / total
        scaled = taps * (1 << _PRECISION_BITS)
        windows.append(
            (xmin, np.trunc(np.where(scaled < 0, scaled - 0.5,
                                     scaled + 0.5)).astype(np.int64)))
    starts = np.array([xmin for xmin, _ in windows])
    weights = np.zeros((out_size, max(len(w) for _, w in windows)), np.int64)
    for row, (_, taps) in zip(weights, windows):
        row[:len(taps)] = taps
    return starts, weights


def _pillow_pass(image: np.ndarray, window: Tuple[np.ndarray,
                                                  np.ndarray]) -> np.ndarray:
    """Resample axis 1 of ``H x W x C`` uint8 with fixed-point weights."""
    starts, weights = window
    pixels = image.astype(np.int64)
    sums = np.full((image.shape[0], len(starts), image.shape[2]), 1 <<
                   (_PRECISION_BITS - 1), np.int64)
    for k in range(weights.shape[1]):
        index = np.minimum(starts + k, image.shape[1] - 1)
        sums += weights[None, :, k, None] * pixels[:, index]
    return np.clip(sums >> _PRECISION_BITS, 0, 255).astype(np.uint8)


def pillow_resize(image: np.ndarray, size: Sequence[int],
                  kind: str) -> np.ndarray:
    """Pillow's ``resize`` of an ``H x W x C`` uint8 image to ``(h, w)``."""
    h, w = size
    if kind not in PILLOW_FILTERS:
        raise ValueError(f'Pillow {kind} resizing is not reproduced here; '
                         f'supported: {", ".join(PILLOW_FILTERS)}')
    out = image
    if out.shape[1] != w:  # horizontal pass first, as Pillow does
        out = _pillow_pass(out, _pillow_weights(out.shape[1], w, kind))
    if out.shape[0] != h:
        weights = _pillow_weights(out.shape[0], h, kind)
        out = _pillow_pass(out.transpose(1, 0, 2), weights).transpose(1, 0, 2)
    return np.ascontiguousarray(out)


def resize_like_pipeline(image: np.ndarray,
                         size: Sequence[int],
                         interpolation: str = 'bilinear',
                         backend: str = 'cv2') -> np.ndarray:
    """Resize an ``H x W x 3`` uint8 image to ``(h, w)`` as mmcv's
    ``Resize(scale=(w, h), keep_ratio=False)`` does.

    Args:
        image (np.ndarray): ``H x W x 3`` uint8 image.
        size (Sequence[int]): Target ``(h, w)``.
        interpolation (str): mmcv's interpolation name. Default: bilinear.
        backend (str): ``'cv2'`` or ``'pillow'``. Default: ``'cv2'``.

    Returns:
        np.ndarray: ``h x w x 3`` uint8 image.
    """
    h, w = size
    if image.shape[:2] == (h, w):
        return image
    if backend == 'pillow':
        return pillow_resize(image, size, interpolation)
    if backend != 'cv2' or interpolation not in CV2_INTERPOLATIONS:
        raise ValueError(f'resize backend {backend!r} with {interpolation!r}'
                         ' interpolation is not supported')
    return cv2.resize(
        image, (w, h), interpolation=CV2_INTERPOLATIONS[interpolation])


def check_pipeline_resize(interpolation: str, backend: str) -> None:
    """Raise ValueError unless :func:`resize_like_pipeline` supports it."""
    supported = PILLOW_FILTERS if backend == 'pillow' else (
        CV2_INTERPOLATIONS if backend == 'cv2' else {})
    if interpolation not in supported:
        raise ValueError(
            f'resize backend {backend!r} with {interpolation!r}'
            ' interpolation is not supported (supported: '
            f'{", ".join(f"cv2 {k}" for k in CV2_INTERPOLATIONS)}'
            f', {", ".join(f"pillow {k}" for k in PILLOW_FILTERS)})')
