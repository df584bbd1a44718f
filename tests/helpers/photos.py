# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Photos of the inference tests: a real portrait and a group of three."""
import cv2
import numpy as np
from matplotlib import cbook


def face_photo():
    """A real portrait (Grace Hopper, shipped with matplotlib), BGR."""
    return cv2.imread(
        cbook.get_sample_data('grace_hopper.jpg', asfileobj=False))


# Where group_photo() puts the portrait: (x, y, scale, mirrored)
PLACEMENTS = ((30, 50, 1.0, False), (700, 100, 0.5, False), (1000, 500, 1 / 3,
                                                             True))


def group_photo():
    """A generated 900 x 1400 photo of three faces of different sizes."""
    face = face_photo()
    canvas = np.full((900, 1400, 3), 200, np.uint8)
    for x, y, scale, mirrored in PLACEMENTS:
        img = face[:, ::-1] if mirrored else face
        img = cv2.resize(
            img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        h, w = img.shape[:2]
        canvas[y:y + h, x:x + w] = img
    return canvas
