# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Crop frames, warps and the paste-back of predictions."""
import numpy as np
import pytest
import torch

from segface_mmseg.apis.face_crops import (aligned_frame, box_frame, crop_side,
                                           image_to_crop_matrix,
                                           transform_points, unwarp_probs,
                                           warp_crop)

# An upright face: eyes at (40, 50) and (60, 50), mouth corners at
# (42, 70) and (58, 70).
UPRIGHT = np.array([[40, 50], [60, 50], [50, 60], [42, 70], [58, 70]],
                   np.float64)


def test_aligned_frame_follows_the_celeba_hq_recipe():
    center, x, y = aligned_frame(UPRIGHT)
    # eye_to_eye (20, 0), eye_to_mouth (0, 20): x = (20, 0) - (-20, 0)
    # scaled to max(2 * 20, 1.8 * 20) = 40; centre = (50, 50) + 0.1 * (0, 20)
    np.testing.assert_allclose(center, [50, 52])
    np.testing.assert_allclose(x, [40, 0])
    np.testing.assert_allclose(y, [0, 40])
    assert crop_side((center, x, y)) == pytest.approx(80)


def test_aligned_frame_rotates_with_the_face():
    angle = np.deg2rad(25)
    rot = np.array([[np.cos(angle), -np.sin(angle)],
                    [np.sin(angle), np.cos(angle)]])
    pivot = np.array([50.0, 60.0])
    turned = (UPRIGHT - pivot) @ rot.T + pivot
    center, x, y = aligned_frame(turned)
    np.testing.assert_allclose(x, rot @ [40, 0], atol=1e-9)
    np.testing.assert_allclose(y, rot @ [0, 40], atol=1e-9)
    np.testing.assert_allclose(center, rot @ ([50, 52] - pivot) + pivot)
    with pytest.raises(ValueError, match='degenerate'):
        aligned_frame(np.zeros((5, 2)))


def test_box_frame_is_an_upright_square_with_margin():
    center, x, y = box_frame([100, 100, 200, 160], margin=0.5)
    np.testing.assert_allclose(center, [150, 130])
    np.testing.assert_allclose(x, [100, 0])  # side 100 * (1 + 2 * 0.5)
    np.testing.assert_allclose(y, [0, 100])


def test_upright_crop_at_scale_one_is_a_slice():
    img = np.random.default_rng(0).integers(0, 256, (60, 80, 3), np.uint8)
    # square of side 20 centred on pixel (x=30.5, y=25.5): columns 21..40
    frame = (np.array([30.5, 25.5]), np.array([10.0, 0]), np.array([0, 10.0]))
    matrix = image_to_crop_matrix(frame, 20)
    np.testing.assert_array_equal(
        warp_crop(img, matrix, 20), img[16:36, 21:41])
    np.testing.assert_allclose(
        transform_points(matrix, [[21, 16], [40, 35]]), [[0, 0], [19, 19]])


def test_large_downscale_is_not_aliased():
    # a 1-pixel checkerboard shrunk 8x: area averaging gives mid-grey,
    # plain bilinear sampling would hit only black or only white pixels
    yy, xx = np.mgrid[:512, :512]
    board = (((yy + xx) % 2) * 255).astype(np.uint8)
    img = np.repeat(board[..., None], 3, axis=2)
    frame = (np.array([255.5, 255.5]), np.array([256.0,
                                                 0]), np.array([0, 256.0]))
    crop = warp_crop(img, image_to_crop_matrix(frame, 64), 64)
    assert abs(float(crop[4:-4, 4:-4].mean()) - 127.5) < 2
    assert crop[4:-4, 4:-4].std() < 3


def test_unwarp_probs_maps_crop_halves_back_to_a_rotated_square():
    size = 40
    angle = np.deg2rad(30)
    half = 30.0
    x = half * np.array([np.cos(angle), np.sin(angle)])
    y = np.array([-x[1], x[0]])
    center = np.array([100.0, 80.0])
    matrix = image_to_crop_matrix((center, x, y), size)
    # class 1 on the crop's left half, class 2 on its right half
    probs = torch.zeros(3, size, size)
    probs[1, :, :size // 2] = 1
    probs[2, :, size // 2:] = 1
    (rows, cols), region, inside = unwarp_probs(probs, matrix, (200, 220))
    labels = region.argmax(0).numpy()
    ys, xs = np.mgrid[rows, cols]
    rel = np.stack([xs - center[0], ys - center[1]], axis=-1)
    along_x = rel @ (x / half)
    along_y = rel @ (y / half)
    expected_inside = (np.abs(along_x) < half - 1) & (
        np.abs(along_y) < half - 1)
    inside = inside.numpy()
    assert inside[expected_inside].all()
    assert inside.sum() == pytest.approx((2 * half)**2, rel=0.05)
    # away from the split line, each side keeps its class
    left = expected_inside & (along_x < -1)
    right = expected_inside & (along_x > 1)
    assert (labels[left] == 1).all() and (labels[right] == 2).all()


def test_unwarp_probs_clips_to_the_image():
    frame = box_frame([-20, -20, 20, 20], margin=0)
    probs = torch.ones(2, 8, 8) / 2
    (rows, cols), region, inside = unwarp_probs(probs,
                                                image_to_crop_matrix(frame, 8),
                                                (50, 50))
    assert rows.start == 0 and cols.start == 0
    assert region.shape[1:] == inside.shape == (rows.stop, cols.stop)
    assert inside.sum() == 20 * 20
