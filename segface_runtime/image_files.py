# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Image files with OpenCV alone: listing, reading, atomic writing, and the
output names of a set of inputs."""
import os
import os.path as osp

import cv2
import numpy as np

from .atomic_files import atomic_write_bytes

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp',
                    '.gif', '.ppm', '.pgm', '.pbm')


class ImageReadError(ValueError):
    """A file that cannot be read as an image; the message names it."""


def list_images(path: str, recursive: bool = False) -> list:
    """Image files of a folder (sorted), or ``[path]`` for one file.

    Args:
        path (str): An image file or a folder.
        recursive (bool): Also search sub-folders. Default: False.

    Returns:
        list[str]: Paths of files with an image extension.
    """
    if osp.isfile(path):
        return [path]
    if not osp.isdir(path):
        raise FileNotFoundError(f'{path}: no such file or folder')
    found = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        found += [
            osp.join(root, f) for f in sorted(files)
            if f.lower().endswith(IMAGE_EXTENSIONS)
        ]
        if not recursive:
            break
    return found


def read_image(path: str, flags: int = cv2.IMREAD_COLOR) -> np.ndarray:
    """Decode an image file with OpenCV.

    With the default flags, EXIF orientation is applied, gray images become
    3-channel and 16-bit images 8-bit; an alpha channel is dropped.

    Args:
        path (str): Image file.
        flags (int): ``cv2.imread`` flags. Default: ``cv2.IMREAD_COLOR``.

    Returns:
        np.ndarray: ``H x W x 3`` uint8 BGR image (default flags).

    Raises:
        FileNotFoundError: No such file.
        ImageReadError: OpenCV cannot decode it.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: no such image file')
    data = np.fromfile(path, dtype=np.uint8)
    image = cv2.imdecode(data, flags) if data.size else None
    if image is None or image.size == 0:
        raise ImageReadError(f'{path}: not an image file OpenCV can decode '
                             '(unknown or corrupt format)')
    return image


def atomic_write_image(path: str, image: np.ndarray) -> None:
    """Write an image with OpenCV through a temporary file and a rename (an
    existing file stays as it was if anything fails).

    Args:
        path (str): Target file; its extension picks the format.
        image (np.ndarray): ``H x W`` or ``H x W x 3`` (BGR) uint8 image.
    """
    ext = osp.splitext(path)[1] or '.png'
    try:
        ok, buffer = cv2.imencode(ext, image)
    except cv2.error:
        ok = False
    if not ok:
        raise ValueError(f'{path}: OpenCV cannot encode {ext} images')
    atomic_write_bytes(path, buffer.tobytes())
