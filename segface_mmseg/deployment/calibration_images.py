# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The images of an int8 export: calibration and held-out images from
folders, read as the runtime reads them, checked before any work."""
import os.path as osp
from typing import List, Optional, Tuple

import cv2
import numpy as np

from segface_runtime.image_files import ImageReadError, list_images, read_image


class CalibrationError(ValueError):
    """Unusable calibration or held-out images; the message names the
    folder and the files."""


def _read_colour_images(files: List[str], folder: str) -> List[tuple]:
    """``(file, H x W x 3 uint8 BGR image)`` pairs; files OpenCV cannot
    decode are left out; other channel counts are refused, naming them."""
    images, wrong = [], []
    for path in files:
        try:
            image = read_image(path, cv2.IMREAD_UNCHANGED)
        except ImageReadError:
            continue
        channels = 1 if image.ndim == 2 else image.shape[2]
        if channels != 3 or image.dtype != np.uint8:
            wrong.append(f'{osp.basename(path)} ({channels} channel(s), '
                         f'{image.dtype})')
            continue
        images.append((path, image))
    if wrong:
        raise CalibrationError(
            f'{folder}: {len(wrong)} image(s) are not 3-channel 8-bit colour '
            f'images, as the model takes: {", ".join(wrong[:10])}'
            f'{" ..." if len(wrong) > 10 else ""}')
    return images


def load_calibration_split(
    calib_dir: str,
    calib_num: int,
    eval_dir: Optional[str] = None,
    eval_num: int = 50
) -> Tuple[List[np.ndarray], List[np.ndarray], List[str]]:
    """Calibration images and held-out images.

    The first ``calib_num`` images of ``calib_dir`` (sorted by name)
    calibrate; the held-out images are the first ``eval_num`` of
    ``eval_dir``, or, without it, the next ``eval_num`` of ``calib_dir``.

    Args:
        calib_dir (str): Folder of calibration images.
        calib_num (int): How many to use.
        eval_dir (str, optional): Folder of held-out images.
        eval_num (int): How many held-out images. Default: 50.

    Returns:
        tuple: Calibration images, held-out images (``H x W x 3`` uint8
        BGR) and the held-out files.

    Raises:
        CalibrationError: A folder that is missing, with no readable image,
            with fewer than ``calib_num`` usable ones, or with images of
            another channel count.
    """
    if not osp.isdir(calib_dir):
        raise CalibrationError(f'{calib_dir}: no such calibration folder')
    files = list_images(calib_dir)
    wanted = files[:calib_num]
    calib = _read_colour_images(wanted, calib_dir)
    if not calib:
        raise CalibrationError(f'{calib_dir}: no readable image among its '
                               f'{len(files)} image file(s)')
    if len(calib) < calib_num:
        unreadable = len(wanted) - len(calib)
        raise CalibrationError(
            f'{calib_dir}: {len(calib)} usable image(s) for --calib-num '
            f'{calib_num} ({len(files)} image file(s), {unreadable} of the '
            'first unreadable); add images or lower --calib-num')
    if eval_dir is not None:
        if not osp.isdir(eval_dir):
            raise CalibrationError(f'{eval_dir}: no such held-out folder')
        held_files = list_images(eval_dir)[:eval_num]
    else:
        eval_dir = calib_dir
        held_files = files[calib_num:calib_num + eval_num]
    held = _read_colour_images(held_files, eval_dir)
    if not held:
        raise CalibrationError(
            f'{eval_dir}: no readable held-out image (give --eval-dir, or '
            f'more images than --calib-num {calib_num} in {calib_dir})')
    return ([image for _, image in calib], [image for _, image in held],
            [path for path, _ in held])
