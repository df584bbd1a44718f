# Copyright (c) segface-mmseg contributors. All rights reserved.
import numpy as np

from segface_mmseg.video import ProbabilityFilter, warp_affine, warp_by_flow


def test_confident_pixels_follow_the_current_frame_uncertain_ones_the_past():
    previous = np.array([[[1.0, 0.0], [0.0, 1.0]]], np.float32)  # 1 x 2 x 2
    current = np.array([[[0.0, 1.0], [0.5, 0.5]]], np.float32)
    out = ProbabilityFilter(strength=0.8, min_weight=0.25)(previous, current)
    # confident pixel: weight 0.8 * 0.25; uniform pixel: weight 0.8
    np.testing.assert_allclose(out[0, 0], [0.2, 0.8], atol=1e-6)
    np.testing.assert_allclose(out[0, 1], [0.1, 0.9], atol=1e-6)
    assert ProbabilityFilter()(None, current) is current


def test_warps_move_the_previous_probabilities_with_the_content():
    rng = np.random.default_rng(0)
    probs = rng.random((40, 50, 3)).astype(np.float32)
    # the content moved 3 px right, 2 px down: current (x, y) was at
    # previous (x - 3, y - 2)
    moved = warp_affine(probs, np.array([[1.0, 0, -3], [0, 1.0, -2]]),
                        (40, 50))
    np.testing.assert_allclose(moved[2:, 3:], probs[:-2, :-3], atol=1e-5)
    # flow between two textured images with the same shift
    image = (rng.random((40, 50)) * 255).astype(np.uint8)
    import cv2
    image = cv2.GaussianBlur(image, (5, 5), 0)
    shifted = np.zeros_like(image)
    shifted[2:, 3:] = image[:-2, :-3]
    flowed = warp_by_flow(probs, image, shifted)
    inner = np.abs(flowed[10:-10, 10:-10] - moved[10:-10, 10:-10]).mean()
    assert inner < np.abs(probs[10:-10, 10:-10] -
                          moved[10:-10, 10:-10]).mean() / 2
