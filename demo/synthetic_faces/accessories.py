# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The long tail: eyeglasses, hat, earrings and necklace."""
from typing import Tuple

import numpy as np

from .canvas import Canvas, ellipse, jitter, texture

# Fraction of images that get each accessory (the real data's long tail).
ACCESSORY_RATES = dict(eye_g=0.05, hat=0.04, ear_r=0.03, neck_l=0.02)


def sample_accessories(rng: np.random.Generator) -> Tuple[str, ...]:
    """Draw each accessory independently at its :data:`ACCESSORY_RATES`."""
    return tuple(name for name, rate in ACCESSORY_RATES.items()
                 if rng.random() < rate)


def draw_accessories(rng: np.random.Generator, canvas: Canvas,
                     accessories: Tuple[str, ...], width: float, neck_w: float,
                     eye_y: float, eye_dx: float, eye_rx: float,
                     shift: float) -> None:
    """Paint the asked-for accessories over a finished face.

    Args:
        rng (np.random.Generator): Source of all randomness.
        canvas (Canvas): The face.
        accessories (tuple[str]): Any of :data:`ACCESSORY_RATES`' keys.
        width (float): Face half-width (face units).
        neck_w (float): Neck half-width.
        eye_y (float): Height of the eyes.
        eye_dx (float): Eye distance from the face's axis.
        eye_rx (float): Eye half-width.
        shift (float): Sideways shift of the features (yaw).
    """
    if 'eye_g' in accessories:
        # the label covers frames and lenses; the eyes show through
        lenses = [
            ellipse(side * eye_dx + shift, eye_y, eye_rx * 1.5, 0.16)
            for side in (1, -1)
        ]
        ends = [(side * (eye_dx + eye_rx * 1.5) + shift, eye_y - 0.04)
                for side in (1, -1)]
        inner_ends = [(side * (eye_dx - eye_rx * 1.5) + shift, eye_y - 0.04)
                      for side in (1, -1)]
        glasses = canvas.region(lenses) | canvas.region([
            inner_ends, [ends[0], (width * 0.98, eye_y - 0.06)],
            [ends[1], (-width * 0.98, eye_y - 0.06)]
        ],
                                                        thickness=0.06)
        before = canvas.image.copy()
        canvas.paint('eye_g', glasses,
                     jitter(rng,
                            rng.choice([20, 120, 200]) * np.ones(3), 20))
        inner = canvas.region([
            ellipse(side * eye_dx + shift, eye_y, eye_rx * 1.25, 0.12)
            for side in (1, -1)
        ])
        tint = rng.uniform(0.5, 0.9)
        canvas.image[inner] = before[inner] * tint + (1 - tint) * \
            rng.uniform(0, 255, 3)
    if 'hat' in accessories:
        crown = np.concatenate([
            ellipse(0, -0.55, width * 1.1, rng.uniform(0.7, 0.9), 0, 180, 360),
            [(width * 1.1, -0.5), (-width * 1.1, -0.5)]
        ])
        brim = ellipse(0, -0.52, width * rng.uniform(1.3, 1.7), 0.12)
        canvas.paint('hat', canvas.region([crown, brim]),
                     rng.uniform(0, 255, 3), texture(rng, canvas.size, 0.1))
    if 'ear_r' in accessories:
        metal = jitter(rng, (225, 190, 60) if rng.random() < 0.6 else
                       (200, 200, 210), 15)
        hoop = rng.random() < 0.5
        sides = (1, -1) if rng.random() < 0.8 else (rng.choice([1, -1]), )
        for side in sides:
            x, r = side * width * 0.98, rng.uniform(0.08, 0.12)
            if hoop:
                mask = canvas.region([ellipse(x, 0.3 + r, r, r)],
                                     thickness=0.08)
            else:  # a drop
                mask = canvas.region([ellipse(x, 0.3 + r, r * 0.8, r * 1.3)])
            canvas.paint('ear_r', mask, metal)
    if 'neck_l' in accessories:
        bead = jitter(rng, (230, 220, 200) if rng.random() < 0.5 else
                      (220, 180, 60), 15)
        depth = rng.uniform(0.2, 0.6)
        chain = ellipse(0, 1.0, neck_w * 1.05, depth, 0, 0, 180)
        canvas.paint('neck_l',
                     canvas.region([chain], thickness=rng.uniform(0.1, 0.14)),
                     bead)
