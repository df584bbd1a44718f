# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The canvas faces are painted on, and the shapes they are made of."""
import cv2
import numpy as np

from segface_mmseg.datasets.preparation import PART_SUFFIXES

# Label id of each part, as the CelebAMask-HQ merge gives it (the converter's
# part order, id = index + 1; 0 is the background).
LABEL = dict(background=0, **{s: i + 1 for i, s in enumerate(PART_SUFFIXES)})

SKIN_TONES = np.array([[255, 224, 196], [241, 194, 160], [224, 172, 130],
                       [198, 134, 96], [160, 100, 70], [110, 70, 50]],
                      dtype=np.float64)


class Canvas:
    """Paints parts in drawing order into an image and a label map.

    Coordinates are in face units (x right, y down, face half-height 1),
    mapped to pixels by the face's similarity transform (position, scale,
    roll). ``painted[k]`` records every pixel part ``k`` ever covered, so the
    per-part masks can overlap like the real annotations.

    Args:
        size (int): Image side in pixels.
        centre (tuple[float, float]): Face centre (x, y) in pixels.
        scale (float): Pixels per face unit.
        roll_deg (float): In-plane rotation in degrees.
    """

    def __init__(self, size, centre, scale, roll_deg):
        self.size = size
        self.image = np.zeros((size, size, 3), np.float64)
        self.label = np.zeros((size, size), np.uint8)
        self.painted = {}
        theta = np.deg2rad(roll_deg)
        rot = np.array([[np.cos(theta), -np.sin(theta)],
                        [np.sin(theta), np.cos(theta)]])
        self.matrix = rot * scale
        self.scale = scale
        self.offset = np.asarray(centre, np.float64)

    def to_pixels(self, points):
        """N x 2 face-unit points to N x 2 int32 pixel points (x 16)."""
        pixels = np.asarray(points, np.float64) @ self.matrix.T + self.offset
        return np.round(pixels * 16).astype(np.int32)

    def region(self, polygons, thickness=0):
        """Boolean mask of filled polygons (or polylines of ``thickness``
        face units when ``thickness > 0``)."""
        mask = np.zeros((self.size, self.size), np.uint8)
        pts = [self.to_pixels(p) for p in polygons]
        if thickness > 0:
            width = max(1, int(round(thickness * self.scale)))
            cv2.polylines(mask, pts, False, 1, width, cv2.LINE_8, shift=4)
        else:
            cv2.fillPoly(mask, pts, 1, cv2.LINE_8, shift=4)
        return mask.astype(bool)

    def paint(self, name, mask, colour, texture=None):
        """Paint ``mask`` with ``colour`` (RGB) and label ``name``."""
        if name != 'background':
            self.label[mask] = LABEL[name]
            self.painted[name] = self.painted.get(name, False) | mask
        pixels = np.broadcast_to(np.asarray(colour, np.float64), (3, ))
        if texture is not None:
            self.image[mask] = pixels * texture[mask][:, None]
        else:
            self.image[mask] = pixels

    def part_masks(self):
        """Per-part masks that the CelebAMask-HQ merge
        (:func:`segface_mmseg.datasets.preparation.merge_parts`) turns into
        ``self.label``.

        A part keeps the pixels it covered unless a part with a lower id was
        drawn over them later: the merge gives every pixel the highest id
        among the masks covering it, which then is the visible part.
        """
        masks = {}
        for name, painted in self.painted.items():
            mask = painted & (self.label >= LABEL[name])
            if mask.any():
                masks[name] = mask
        return masks


def ellipse(cx, cy, rx, ry, angle=0.0, start=0, end=360):
    """Points of an ellipse (arc) in face units, 48 x 2."""
    t = np.deg2rad(np.linspace(start, end, 48))
    x, y = rx * np.cos(t), ry * np.sin(t)
    a = np.deg2rad(angle)
    return np.stack([
        cx + x * np.cos(a) - y * np.sin(a), cy + x * np.sin(a) + y * np.cos(a)
    ], 1)


def jitter(rng, colour, amount):
    """An RGB colour moved by Gaussian noise of ``amount`` per channel."""
    return np.clip(np.asarray(colour) + rng.normal(0, amount, 3), 0, 255)


def texture(rng, size, strength):
    """Smooth random multiplicative texture around 1, size x size."""
    small = rng.normal(1.0, strength, (8, 8)).astype(np.float32)
    return cv2.resize(small, (size, size), interpolation=cv2.INTER_CUBIC)
