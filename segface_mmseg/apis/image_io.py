# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Reading any photo as a BGR uint8 image, and atomic writes of results."""
import os
import os.path as osp
from typing import Sequence, Union

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from segface_runtime.image_files import (IMAGE_EXTENSIONS, atomic_write_image,
                                         list_images)

__all__ = [
    'IMAGE_EXTENSIONS', 'ImageLoadError', 'atomic_write_image', 'list_images',
    'load_image'
]


class ImageLoadError(ValueError):
    """An input that cannot be read as an image; the message names it."""


def _composite_alpha(rgb: np.ndarray, alpha: np.ndarray,
                     background: Sequence[int]) -> np.ndarray:
    """Blend ``H x W x 3`` colours over ``background`` with 0-255 alpha."""
    a = alpha.astype(np.float32)[..., None] / 255.0
    bg = np.asarray(background, dtype=np.float32)
    return np.rint(rgb.astype(np.float32) * a + bg * (1.0 - a)).astype(
        np.uint8)


def _to_uint8(array: np.ndarray, name: str) -> np.ndarray:
    """Scale an integer (8/16/32-bit) or boolean array to uint8."""
    if array.dtype == np.uint8:
        return array
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    if np.issubdtype(array.dtype, np.integer):
        if array.size and array.min() < 0:
            raise ImageLoadError(f'{name}: negative pixel values '
                                 f'({array.dtype}) are not an image')
        peak = int(array.max()) if array.size else 0
        if peak <= 255 and array.dtype != np.uint16:
            return array.astype(np.uint8)
        # 16-bit data (or wider integers holding 16-bit data) -> 8 bits
        scale = 257.0 if peak <= 65535 else peak / 255.0
        return np.rint(array / scale).astype(np.uint8)
    raise ImageLoadError(
        f'{name}: pixel type {array.dtype} is not supported; pass uint8 '
        '(0-255) or uint16 (0-65535) images')


def _pil_to_rgb(img: Image.Image, name: str,
                background: Sequence[int]) -> np.ndarray:
    """Any PIL mode -> ``H x W x 3`` uint8 RGB."""
    mode = img.mode
    if mode == 'P':
        img = img.convert('RGBA' if 'transparency' in img.info else 'RGB')
        mode = img.mode
    if mode in ('RGBA', 'LA', 'PA', 'RGBa', 'La'):
        rgba = np.asarray(img.convert('RGBA'))
        return _composite_alpha(rgba[..., :3], rgba[..., 3], background)
    if mode in ('I', 'I;16', 'I;16B', 'I;16L', 'I;16N'):
        gray = _to_uint8(np.asarray(img), name)
        return np.repeat(gray[..., None], 3, axis=2)
    if mode == 'F':
        raise ImageLoadError(f'{name}: floating-point images (PIL mode F) '
                             'are not supported; save it as 8 or 16 bit')
    return np.asarray(img.convert('RGB'))


def load_image(
    source: Union[str, os.PathLike, np.ndarray],
    alpha_background: Sequence[int] = (255, 255, 255)
) -> np.ndarray:
    """Read a photo, or check an array, as a BGR uint8 image.

    Files are decoded with Pillow: EXIF orientation is applied, grayscale
    and palette images become 3-channel, transparent pixels (RGBA, LA, P
    with transparency) are blended over ``alpha_background`` and 16-bit
    images are scaled to 8 bits. Arrays follow OpenCV / MMSegmentation
    conventions: ``H x W`` gray, ``H x W x 3`` BGR or ``H x W x 4`` BGRA,
    uint8 or uint16.

    Args:
        source (str | PathLike | np.ndarray): Image file or array.
        alpha_background (Sequence[int]): RGB colour under transparent
            pixels. Default: white.

    Returns:
        np.ndarray: ``H x W x 3`` uint8 BGR image.

    Raises:
        FileNotFoundError: The file does not exist.
        ImageLoadError: The file or array is not a usable image; the
            message names the file and the problem.
    """
    if isinstance(source, np.ndarray):
        return _check_array(source, '<array>', alpha_background)
    name = os.fspath(source)
    if not osp.isfile(name):
        raise FileNotFoundError(f'{name}: no such image file')
    try:
        with Image.open(name) as img:
            img = ImageOps.exif_transpose(img)
            rgb = _pil_to_rgb(img, name, alpha_background)
    except UnidentifiedImageError:
        raise ImageLoadError(f'{name}: not an image file Pillow can decode '
                             '(unknown or corrupt format)') from None
    except (OSError, SyntaxError, Image.DecompressionBombError) as e:
        raise ImageLoadError(f'{name}: cannot decode the image ({e})') from e
    if rgb.ndim != 3 or rgb.shape[0] == 0 or rgb.shape[1] == 0:
        raise ImageLoadError(f'{name}: empty image {rgb.shape}')
    return np.ascontiguousarray(rgb[..., ::-1])


def _check_array(array: np.ndarray, name: str,
                 background: Sequence[int]) -> np.ndarray:
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3
                                    and array.shape[2] not in (3, 4)):
        raise ImageLoadError(f'{name}: expected H x W, H x W x 3 (BGR) or '
                             f'H x W x 4 (BGRA), got shape {array.shape}')
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ImageLoadError(f'{name}: empty image {array.shape}')
    array = _to_uint8(array, name)
    if array.ndim == 2:
        return np.repeat(array[..., None], 3, axis=2)
    if array.shape[2] == 4:
        bgr_background = tuple(background)[::-1]
        return _composite_alpha(array[..., :3], array[..., 3], bgr_background)
    return np.ascontiguousarray(array)
