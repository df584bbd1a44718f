# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Reading photos of any mode as BGR uint8, and atomic writes."""
import os

import cv2
import numpy as np
import pytest
from PIL import Image

from segface_mmseg.apis import (ImageLoadError, atomic_write_image,
                                list_images, load_image)


def _rgb(h=12, w=20, seed=0):
    return np.random.default_rng(seed).integers(
        0, 256, (h, w, 3), dtype=np.uint8)


def test_rgb_file_becomes_bgr(tmp_path):
    rgb = _rgb()
    Image.fromarray(rgb).save(tmp_path / 'a.png')
    np.testing.assert_array_equal(
        load_image(tmp_path / 'a.png'), rgb[..., ::-1])


def test_grayscale_becomes_three_equal_channels(tmp_path):
    gray = _rgb()[..., 0]
    Image.fromarray(gray).save(tmp_path / 'g.png')
    img = load_image(str(tmp_path / 'g.png'))
    assert img.shape == gray.shape + (3, ) and img.dtype == np.uint8
    for c in range(3):
        np.testing.assert_array_equal(img[..., c], gray)


def test_rgba_is_blended_over_the_background(tmp_path):
    rgba = np.zeros((4, 6, 4), np.uint8)
    rgba[..., :3] = (10, 20, 30)
    rgba[:2, :, 3] = 255  # opaque top half
    rgba[2:, :, 3] = 0  # transparent bottom half
    Image.fromarray(rgba, 'RGBA').save(tmp_path / 't.png')
    img = load_image(tmp_path / 't.png')
    np.testing.assert_array_equal(img[:2], np.full((2, 6, 3), (30, 20, 10)))
    np.testing.assert_array_equal(img[2:], np.full((2, 6, 3), 255))
    black = load_image(tmp_path / 't.png', alpha_background=(0, 0, 0))
    np.testing.assert_array_equal(black[2:], 0)


def test_16_bit_png_is_scaled_to_8_bits(tmp_path):
    gray16 = np.array([[0, 257 * 100, 65535]], np.uint16)
    cv2.imwrite(str(tmp_path / 'g16.png'), gray16)
    assert load_image(tmp_path / 'g16.png')[0, :, 0].tolist() == [0, 100, 255]
    bgr16 = np.zeros((2, 3, 3), np.uint16)
    bgr16[..., 2] = 257 * 200  # red
    cv2.imwrite(str(tmp_path / 'c16.png'), bgr16)
    img = load_image(tmp_path / 'c16.png')
    assert img[..., 2].min() == 200 and img[..., :2].max() == 0


def test_exif_orientation_is_applied(tmp_path):
    rgb = np.zeros((10, 30, 3), np.uint8)
    rgb[0, 0] = (255, 0, 0)  # red top-left corner
    pil = Image.fromarray(rgb)
    exif = pil.getexif()
    exif[0x0112] = 6  # display rotated 90 degrees clockwise
    pil.save(tmp_path / 'rot.png', exif=exif)
    img = load_image(tmp_path / 'rot.png')
    assert img.shape == (30, 10, 3)
    # clockwise: the top-left corner goes to the top-right
    np.testing.assert_array_equal(img[0, -1], (0, 0, 255))
    assert img[..., 2].sum() == 255


def test_bad_files_name_the_file(tmp_path):
    broken = tmp_path / 'broken.jpg'
    broken.write_bytes(b'this is no image')
    with pytest.raises(ImageLoadError, match='broken.jpg'):
        load_image(broken)
    with pytest.raises(FileNotFoundError, match='missing.png'):
        load_image(tmp_path / 'missing.png')
    truncated = tmp_path / 'truncated.png'
    Image.fromarray(_rgb(64, 64)).save(tmp_path / 'full.png')
    truncated.write_bytes((tmp_path / 'full.png').read_bytes()[:200])
    with pytest.raises(ImageLoadError, match='truncated.png'):
        load_image(truncated)


def test_arrays():
    bgr = _rgb()[..., ::-1]
    np.testing.assert_array_equal(load_image(bgr), bgr)
    np.testing.assert_array_equal(
        load_image(np.full((2, 2), 65535, np.uint16)), 255)
    bgra = np.zeros((2, 2, 4), np.uint8)
    bgra[..., 0] = 200  # blue, transparent
    np.testing.assert_array_equal(load_image(bgra), 255)
    with pytest.raises(ImageLoadError, match='float'):
        load_image(np.zeros((4, 4, 3), np.float32))
    with pytest.raises(ImageLoadError, match='shape'):
        load_image(np.zeros((4, 4, 2), np.uint8))
    with pytest.raises(ImageLoadError, match='empty'):
        load_image(np.zeros((0, 4, 3), np.uint8))


def test_atomic_write_leaves_no_temporary_files(tmp_path):
    img = _rgb()
    atomic_write_image(str(tmp_path / 'out' / 'x.png'), img)
    np.testing.assert_array_equal(cv2.imread(str(tmp_path / 'out/x.png')), img)
    with pytest.raises(ValueError, match='x.nope'):
        atomic_write_image(str(tmp_path / 'out' / 'x.nope'), img)
    assert os.listdir(tmp_path / 'out') == ['x.png']


def test_list_images(tmp_path):
    for name in ('b.jpg', 'a.PNG', 'notes.txt', 'sub/c.png'):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b'')
    names = [os.path.relpath(p, tmp_path) for p in list_images(str(tmp_path))]
    assert names == ['a.PNG', 'b.jpg']
    assert len(list_images(str(tmp_path), recursive=True)) == 3
    assert list_images(str(tmp_path / 'b.jpg')) == [str(tmp_path / 'b.jpg')]
    with pytest.raises(FileNotFoundError, match='nowhere'):
        list_images(str(tmp_path / 'nowhere'))


def test_written_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_image(str(tmp_path / 'p.png'), _rgb())
    finally:
        os.umask(old)
    assert (tmp_path / 'p.png').stat().st_mode & 0o777 == 0o644
