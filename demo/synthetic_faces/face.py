# Copyright (c) segface-mmseg contributors. All rights reserved.
"""One drawn face: pose, head, features, accessories, photometry."""
from typing import Dict, Tuple

import cv2
import numpy as np

from .accessories import draw_accessories
from .canvas import LABEL, SKIN_TONES, Canvas, ellipse, jitter, texture

HAIR_COLOURS = np.array(
    [[20, 15, 15], [60, 40, 25], [110, 70, 35], [200, 160, 90], [150, 60, 30],
     [170, 170, 170], [90, 40, 120]],
    dtype=np.float64)


def draw_background(rng: np.random.Generator, canvas: Canvas) -> None:
    """A colour ramp with clutter: shapes of any colour, some skin-like."""
    size = canvas.size
    c0, c1 = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    ramp = np.linspace(0, 1, size)[:, None, None]
    canvas.image[:] = c0 * (1 - ramp) + c1 * ramp
    if rng.random() < 0.5:
        canvas.image[:] = canvas.image.transpose(1, 0, 2)
    for _ in range(rng.integers(2, 9)):
        mask = np.zeros((size, size), np.uint8)
        centre = tuple(int(v) for v in rng.uniform(0, size, 2))
        axes = tuple(int(v) for v in rng.uniform(size / 30, size / 5, 2))
        cv2.ellipse(mask, centre, axes, rng.uniform(0, 180), 0, 360, 1, -1)
        if rng.random() < 0.2:
            colour = jitter(rng, SKIN_TONES[rng.integers(6)], 15)
        else:
            colour = rng.uniform(0, 255, 3)
        canvas.image[mask.astype(bool)] = colour


def draw_face(
    rng: np.random.Generator,
    size: int = 256,
    accessories: Tuple[str, ...] = (),
    teeth: bool = False
) -> Tuple[np.ndarray, np.ndarray, Dict[str, np.ndarray]]:
    """Draw one face.

    Args:
        rng (np.random.Generator): Source of all randomness.
        size (int): Image side in pixels. Default: 256.
        accessories (tuple[str]): Any of ``eye_g``, ``hat``, ``ear_r``,
            ``neck_l``. Default: ().
        teeth (bool): Also draw the upper teeth in an open mouth (about
            half the faces), a class CelebAMask-HQ lacks (its ``mouth``
            covers them). It draws no random numbers, so the face is the one
            drawn without it with teeth added (the same label map; the image
            differs at the teeth and, by the final blur, next to them).
            Default: False.

    Returns:
        tuple: The H x W x 3 uint8 RGB image, the H x W uint8 label map
        (what is visible) and a dict of H x W boolean part masks keyed by
        CelebAMask-HQ suffix, which the converter's merge
        (:func:`segface_mmseg.datasets.preparation.merge_parts`) turns into
        the label map. With ``teeth``, the dict also holds ``'teeth'``
        (pixels labelled ``mouth``; not a CelebAMask-HQ part, so
        ``merge_parts`` refuses it), when the mouth is open.
    """
    # 1. pose: position, scale (face half-height in pixels), roll, yaw
    scale = size * rng.uniform(0.25, 0.34)
    centre = (size * rng.uniform(0.38, 0.62), size * rng.uniform(0.36, 0.5))
    canvas = Canvas(size, centre, scale, rng.uniform(-20, 20))
    yaw = rng.uniform(-0.3, 0.3)  # features shift sideways, far ear shrinks
    width = rng.uniform(0.68, 0.84)  # face half-width / half-height
    skin = jitter(rng, SKIN_TONES[rng.integers(6)], 10)
    hair_colour = jitter(rng, HAIR_COLOURS[rng.integers(7)], 12)
    tex = texture(rng, size, 0.06)
    draw_background(rng, canvas)

    # 2. hair behind the head, then the body: neck, cloth over its base
    style = rng.choice(['short', 'long', 'bald'], p=[0.5, 0.42, 0.08])
    hair_tex = texture(rng, size, 0.15)
    if style != 'bald':
        top = ellipse(0, -0.12, width * 1.18, 1.12, 0, 180, 360)
        bottom = rng.uniform(0.6, 1.2) if style == 'long' else 0.05
        back = np.concatenate([[(-width * 1.15, bottom)], top,
                               [(width * 1.15, bottom)]])
        canvas.paint('hair', canvas.region([back]), hair_colour, hair_tex)
    neck_w = width * rng.uniform(0.45, 0.6)
    canvas.paint(
        'neck',
        canvas.region([[(-neck_w, 0.3), (neck_w, 0.3), (neck_w * 1.1, 2.2),
                        (-neck_w * 1.1, 2.2)]]), skin * 0.85, tex)
    cloth_top = rng.uniform(1.35, 1.7)
    dip = rng.uniform(0.0, 0.5)  # neckline depth
    canvas.paint(
        'cloth',
        canvas.region([[(-3.5, cloth_top + 0.6), (-neck_w * 1.4, cloth_top),
                        (0, cloth_top + dip), (neck_w * 1.4, cloth_top),
                        (3.5, cloth_top + 0.6), (3.5, 4), (-3.5, 4)]]),
        rng.uniform(0, 255, 3), texture(rng, size, 0.12))

    # 3. ears (the subject's left ear is on the image's right), under or
    # over long hair falling to the shoulders
    def ears():
        for name, side in (('l_ear', 1), ('r_ear', -1)):
            # the face turning sideways (yaw) hides part of the far ear
            shrink = 1 - 0.5 * max(0.0, side * yaw) / 0.3
            ear = ellipse(side * width * 0.98, 0.02, 0.17 * shrink, 0.27)
            canvas.paint(name, canvas.region([ear]), skin * 0.92, tex)

    ears_hidden = style == 'long' and rng.random() < 0.6
    if ears_hidden:
        ears()
    if style == 'long':
        drop = rng.uniform(1.4, 2.4)
        for side in (1, -1):
            lock = [(side * width * 0.75, -0.2), (side * width * 1.2, -0.2),
                    (side * width * 1.35, drop),
                    (side * width * rng.uniform(0.75, 1.0), drop)]
            canvas.paint('hair', canvas.region([lock]), hair_colour, hair_tex)
    if not ears_hidden:
        ears()

    # 4. face (a rounded jaw: an ellipse narrowed towards the chin)
    outline = ellipse(0, 0, width, 1.0)
    outline[:, 0] *= np.where(outline[:, 1] > 0, 1 - 0.25 * outline[:, 1], 1.0)
    canvas.paint('skin', canvas.region([outline]), skin, tex)

    # 5. features, shifted sideways by the yaw
    shift = yaw * width * 0.6
    eye_y, eye_dx = rng.uniform(-0.12, 0.0), width * rng.uniform(0.36, 0.46)
    eye_rx, eye_ry = rng.uniform(0.13, 0.19), rng.uniform(0.05, 0.09)
    brow_colour = hair_colour * rng.uniform(0.6, 0.9)
    for side, eye, brow in ((1, 'l_eye', 'l_brow'), (-1, 'r_eye', 'r_brow')):
        x = side * eye_dx + shift
        canvas.paint(
            brow,
            canvas.region([
                ellipse(x, eye_y - 0.12, eye_rx * 1.25, 0.14, side * 4, 200,
                        340)
            ],
                          thickness=rng.uniform(0.06, 0.1)), brow_colour)
        upper = ellipse(x, eye_y + 0.02, eye_rx, eye_ry * 1.6, 0, 200, 340)
        lower = ellipse(x, eye_y - 0.02, eye_rx, eye_ry * 0.9, 0, 20, 160)
        eye_mask = canvas.region([np.concatenate([upper, lower])])
        canvas.paint(eye, eye_mask, (245, 245, 240))
        iris = canvas.region([ellipse(x, eye_y, eye_ry * 0.9, eye_ry * 0.9)])
        canvas.image[iris & eye_mask] = jitter(rng, (60, 45, 30), 25)
    nose_y = rng.uniform(0.25, 0.35)
    canvas.paint(
        'nose',
        canvas.region([[(shift, eye_y + 0.05),
                        (shift + 0.13 + 0.05 * yaw, nose_y),
                        (shift, nose_y + 0.07), (shift - 0.13, nose_y)]]),
        skin * 0.8, tex)
    mouth_y, mouth_w = rng.uniform(0.52, 0.6), width * rng.uniform(0.3, 0.42)
    opening = rng.uniform(0.03, 0.12) if rng.random() < 0.5 else 0.0
    lip_colour = jitter(rng, (190, 80, 90), 20)
    mx = shift * 0.9
    canvas.paint(
        'u_lip',
        canvas.region([
            np.concatenate([
                ellipse(mx, mouth_y, mouth_w, 0.1, 0, 180, 360),
                ellipse(mx, mouth_y - 0.03, mouth_w, 0.03, 0, 0, 180)
            ])
        ]), lip_colour * 0.9)
    canvas.paint(
        'l_lip',
        canvas.region([
            np.concatenate([
                ellipse(mx, mouth_y + 0.01 + opening, mouth_w * 0.9, 0.12, 0,
                        0, 180),
                ellipse(mx, mouth_y + 0.03 + opening, mouth_w * 0.8, 0.02, 0,
                        180, 360)
            ])
        ]), lip_colour)
    teeth_mask = None
    if opening > 0:
        inside = ellipse(mx, mouth_y + opening / 2 + 0.01, mouth_w * 0.8,
                         opening / 2 + 0.015)
        canvas.paint('mouth', canvas.region([inside]), (60, 15, 25))
        if teeth:
            teeth_mask = draw_teeth(canvas, inside)

    # 6. fringe over the forehead
    if style != 'bald' and rng.random() < 0.6:
        low = rng.uniform(-0.75, -0.4)
        fringe = np.concatenate([
            ellipse(0, -0.12, width * 1.05, 0.95, 0, 180, 360),
            [(width * 0.9, low + 0.1), (0, low), (-width * 0.9, low + 0.1)]
        ])
        canvas.paint('hair', canvas.region([fringe]), hair_colour, hair_tex)

    # 7. accessories (the long tail)
    draw_accessories(rng, canvas, accessories, width, neck_w, eye_y, eye_dx,
                     eye_rx, shift)

    # 8. photometry: light gradient, noise, slight blur
    light = np.linspace(rng.uniform(0.75, 1.0), rng.uniform(0.85, 1.15),
                        size)[None, :, None]
    image = canvas.image * (
        light if rng.random() < 0.5 else light.transpose(1, 0, 2))
    image = image + rng.normal(0, rng.uniform(2, 8), image.shape)
    image = cv2.GaussianBlur(
        np.clip(image, 0, 255).astype(np.uint8), (3, 3), rng.uniform(0.1, 0.8))
    masks = canvas.part_masks()
    if teeth_mask is not None:
        teeth_mask &= canvas.label == LABEL['mouth']
        if teeth_mask.any():
            masks['teeth'] = teeth_mask
    return image, canvas.label, masks


def draw_teeth(canvas: Canvas, mouth: np.ndarray) -> np.ndarray:
    """Paint the upper teeth into an open mouth; return their mask.

    The teeth fill the mouth's opening (``mouth``: its outline, N x 2 face
    units) from its top down to two thirds of its height, with dark gaps
    between 6 teeth; their label stays ``mouth``, as in CelebAMask-HQ.
    Nothing random, so the rest of the face is drawn as without teeth.
    """
    (left, top), (right, bottom) = mouth.min(0), mouth.max(0)
    gum = top + (bottom - top) * 0.67
    upper = canvas.region([mouth]) & canvas.region([[(left, top), (right, top),
                                                     (right, gum),
                                                     (left, gum)]])
    canvas.image[upper] = (236, 232, 218)
    gaps = canvas.region([[(x, top), (x, gum)]
                          for x in np.linspace(left, right, 7)[1:-1]],
                         thickness=0.012)
    canvas.image[upper & gaps] = (150, 140, 130)
    return upper
