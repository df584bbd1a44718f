# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Drawn faces in the raw CelebAMask-HQ download layout.

Real face-parsing datasets cannot be fetched without an account, so the demo,
the tests and the long-tail benchmark draw their own: cartoon faces with the
19 CelebAMask-HQ classes, seeded, pure numpy and OpenCV. Each face has skin,
neck, cloth, hair, brows, eyes, ears, nose, lips and often an open mouth, at
a random position, scale, roll, yaw and colouring over a cluttered
background. Accessories are rare, with the long-tail frequencies of the real
data: eyeglasses in ~5% of the images, a hat ~4%, earrings ~3%, a necklace
~2% (:data:`ACCESSORY_RATES`).

The files are written the way CelebAMask-HQ ships them, so the real
converter (``tools/dataset_converters/celebamask_hq.py``) reads them:

- ``CelebA-HQ-img/{id}.jpg``: the images (``image_size`` squared).
- ``CelebAMask-HQ-mask-anno/{id // 2000}/{id:05d}_{suffix}.png``: one 0/255
  mask per visible part (``mask_size`` squared; absent parts have no file).
  Masks overlap as in the real data (the skin mask covers the eyes); merging
  them in CelebAMask-HQ's suffix order, later suffixes overwriting earlier
  ones, gives exactly the drawn label map.
- ``CelebA-HQ-to-CelebA-mapping.txt`` (``idx orig_idx orig_file``) and
  ``list_eval_partition.txt`` (``orig_file group``, 0/1/2 = train/val/test).

Left and right are the subject's: ``l_eye`` is drawn on the image's right.
"""
import json
import os
import os.path as osp
import shutil
from typing import Dict, Tuple

import cv2
import numpy as np
from mmengine.logging import print_log
from mmengine.utils import track_parallel_progress, track_progress

from .face_classes import CELEBAMASK_HQ_CLASSES

# CelebAMask-HQ's mask-file suffixes, in label-id order (id = index + 1).
MASK_SUFFIXES = ('neck', 'skin', 'cloth', 'l_ear', 'r_ear', 'l_brow', 'r_brow',
                 'l_eye', 'r_eye', 'nose', 'mouth', 'l_lip', 'u_lip', 'hair',
                 'eye_g', 'hat', 'ear_r', 'neck_l')
assert MASK_SUFFIXES == CELEBAMASK_HQ_CLASSES[1:]

# Fraction of images that get each accessory (the real data's long tail).
ACCESSORY_RATES = dict(eye_g=0.05, hat=0.04, ear_r=0.03, neck_l=0.02)

LABEL = {name: i for i, name in enumerate(CELEBAMASK_HQ_CLASSES)}
METADATA_FILE = 'synthetic_faces.json'
# Bumped whenever the drawing changes, so stale drawn data is not reused.
GENERATOR_VERSION = 1

_SKIN_TONES = np.array([[255, 224, 196], [241, 194, 160], [224, 172, 130],
                        [198, 134, 96], [160, 100, 70], [110, 70, 50]],
                       dtype=np.float64)
_HAIR_COLOURS = np.array(
    [[20, 15, 15], [60, 40, 25], [110, 70, 35], [200, 160, 90], [150, 60, 30],
     [170, 170, 170], [90, 40, 120]],
    dtype=np.float64)


class _Canvas:
    """Paints parts in drawing order into an image and a label map.

    Coordinates are in face units (x right, y down, face half-height 1),
    mapped to pixels by the face's similarity transform (position, scale,
    roll). ``painted[k]`` records every pixel part ``k`` ever covered, so the
    per-part masks can overlap like the real annotations.
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
        """Per-part masks that merge (in id order) into ``self.label``.

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


def _ellipse(cx, cy, rx, ry, angle=0.0, start=0, end=360):
    """Points of an ellipse (arc) in face units."""
    t = np.deg2rad(np.linspace(start, end, 48))
    x, y = rx * np.cos(t), ry * np.sin(t)
    a = np.deg2rad(angle)
    return np.stack([
        cx + x * np.cos(a) - y * np.sin(a), cy + x * np.sin(a) + y * np.cos(a)
    ], 1)


def _jitter(rng, colour, amount):
    return np.clip(np.asarray(colour) + rng.normal(0, amount, 3), 0, 255)


def _texture(rng, size, strength):
    """Smooth random multiplicative texture around 1."""
    small = rng.normal(1.0, strength, (8, 8)).astype(np.float32)
    return cv2.resize(small, (size, size), interpolation=cv2.INTER_CUBIC)


def _background(rng, canvas):
    size = canvas.size
    c0, c1 = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    ramp = np.linspace(0, 1, size)[:, None, None]
    canvas.image[:] = c0 * (1 - ramp) + c1 * ramp
    if rng.random() < 0.5:
        canvas.image[:] = canvas.image.transpose(1, 0, 2)
    # clutter: shapes of any colour, sometimes skin- or hair-like
    for _ in range(rng.integers(2, 9)):
        mask = np.zeros((size, size), np.uint8)
        centre = tuple(int(v) for v in rng.uniform(0, size, 2))
        axes = tuple(int(v) for v in rng.uniform(size / 30, size / 5, 2))
        cv2.ellipse(mask, centre, axes, rng.uniform(0, 180), 0, 360, 1, -1)
        if rng.random() < 0.2:
            colour = _jitter(rng, _SKIN_TONES[rng.integers(6)], 15)
        else:
            colour = rng.uniform(0, 255, 3)
        canvas.image[mask.astype(bool)] = colour


def draw_face(
    rng: np.random.Generator,
    size: int = 256,
    accessories: Tuple[str, ...] = ()
) -> Tuple[np.ndarray, np.ndarray, dict]:
    """Draw one face.

    Args:
        rng (np.random.Generator): Source of all randomness.
        size (int): Image side in pixels. Default: 256.
        accessories (tuple[str]): Any of ``eye_g``, ``hat``, ``ear_r``,
            ``neck_l``. Default: ().

    Returns:
        tuple: The H x W x 3 uint8 RGB image, the H x W uint8 label map
        (what is visible) and a dict of H x W boolean part masks keyed by
        CelebAMask-HQ suffix, which :func:`merge_masks` merges into the
        label map.
    """
    # 1. pose: position, scale (face half-height in pixels), roll, yaw
    scale = size * rng.uniform(0.25, 0.34)
    centre = (size * rng.uniform(0.38, 0.62), size * rng.uniform(0.36, 0.5))
    canvas = _Canvas(size, centre, scale, rng.uniform(-20, 20))
    yaw = rng.uniform(-0.3, 0.3)  # features shift sideways, far ear shrinks
    width = rng.uniform(0.68, 0.84)  # face half-width / half-height
    skin = _jitter(rng, _SKIN_TONES[rng.integers(6)], 10)
    hair_colour = _jitter(rng, _HAIR_COLOURS[rng.integers(7)], 12)
    tex = _texture(rng, size, 0.06)
    _background(rng, canvas)

    # 2. hair behind the head, then the body: neck, cloth over its base
    style = rng.choice(['short', 'long', 'bald'], p=[0.5, 0.42, 0.08])
    hair_tex = _texture(rng, size, 0.15)
    if style != 'bald':
        top = _ellipse(0, -0.12, width * 1.18, 1.12, 0, 180, 360)
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
        rng.uniform(0, 255, 3), _texture(rng, size, 0.12))

    # 3. ears (the subject's left ear is on the image's right), under or
    # over long hair falling to the shoulders
    def ears():
        for name, side in (('l_ear', 1), ('r_ear', -1)):
            # the face turning sideways (yaw) hides part of the far ear
            shrink = 1 - 0.5 * max(0.0, side * yaw) / 0.3
            ear = _ellipse(side * width * 0.98, 0.02, 0.17 * shrink, 0.27)
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
    outline = _ellipse(0, 0, width, 1.0)
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
                _ellipse(x, eye_y - 0.12, eye_rx * 1.25, 0.14, side * 4, 200,
                         340)
            ],
                          thickness=rng.uniform(0.06, 0.1)), brow_colour)
        upper = _ellipse(x, eye_y + 0.02, eye_rx, eye_ry * 1.6, 0, 200, 340)
        lower = _ellipse(x, eye_y - 0.02, eye_rx, eye_ry * 0.9, 0, 20, 160)
        eye_mask = canvas.region([np.concatenate([upper, lower])])
        canvas.paint(eye, eye_mask, (245, 245, 240))
        iris = canvas.region([_ellipse(x, eye_y, eye_ry * 0.9, eye_ry * 0.9)])
        canvas.image[iris & eye_mask] = _jitter(rng, (60, 45, 30), 25)
    nose_y = rng.uniform(0.25, 0.35)
    canvas.paint(
        'nose',
        canvas.region([[(shift, eye_y + 0.05),
                        (shift + 0.13 + 0.05 * yaw, nose_y),
                        (shift, nose_y + 0.07), (shift - 0.13, nose_y)]]),
        skin * 0.8, tex)
    mouth_y, mouth_w = rng.uniform(0.52, 0.6), width * rng.uniform(0.3, 0.42)
    opening = rng.uniform(0.03, 0.12) if rng.random() < 0.5 else 0.0
    lip_colour = _jitter(rng, (190, 80, 90), 20)
    mx = shift * 0.9
    canvas.paint(
        'u_lip',
        canvas.region([
            np.concatenate([
                _ellipse(mx, mouth_y, mouth_w, 0.1, 0, 180, 360),
                _ellipse(mx, mouth_y - 0.03, mouth_w, 0.03, 0, 0, 180)
            ])
        ]), lip_colour * 0.9)
    canvas.paint(
        'l_lip',
        canvas.region([
            np.concatenate([
                _ellipse(mx, mouth_y + 0.01 + opening, mouth_w * 0.9, 0.12, 0,
                         0, 180),
                _ellipse(mx, mouth_y + 0.03 + opening, mouth_w * 0.8, 0.02, 0,
                         180, 360)
            ])
        ]), lip_colour)
    if opening > 0:
        canvas.paint(
            'mouth',
            canvas.region([
                _ellipse(mx, mouth_y + opening / 2 + 0.01, mouth_w * 0.8,
                         opening / 2 + 0.015)
            ]), (60, 15, 25))

    # 6. fringe over the forehead
    if style != 'bald' and rng.random() < 0.6:
        low = rng.uniform(-0.75, -0.4)
        fringe = np.concatenate([
            _ellipse(0, -0.12, width * 1.05, 0.95, 0, 180, 360),
            [(width * 0.9, low + 0.1), (0, low), (-width * 0.9, low + 0.1)]
        ])
        canvas.paint('hair', canvas.region([fringe]), hair_colour, hair_tex)

    # 7. accessories (the long tail)
    if 'eye_g' in accessories:
        # the label covers frames and lenses; the eyes show through
        lenses = [
            _ellipse(side * eye_dx + shift, eye_y, eye_rx * 1.5, 0.16)
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
                     _jitter(rng,
                             rng.choice([20, 120, 200]) * np.ones(3), 20))
        inner = canvas.region([
            _ellipse(side * eye_dx + shift, eye_y, eye_rx * 1.25, 0.12)
            for side in (1, -1)
        ])
        tint = rng.uniform(0.5, 0.9)
        canvas.image[inner] = before[inner] * tint + (1 - tint) * \
            rng.uniform(0, 255, 3)
    if 'hat' in accessories:
        crown = np.concatenate([
            _ellipse(0, -0.55, width * 1.1, rng.uniform(0.7, 0.9), 0, 180,
                     360), [(width * 1.1, -0.5), (-width * 1.1, -0.5)]
        ])
        brim = _ellipse(0, -0.52, width * rng.uniform(1.3, 1.7), 0.12)
        canvas.paint('hat', canvas.region([crown, brim]),
                     rng.uniform(0, 255, 3), _texture(rng, size, 0.1))
    if 'ear_r' in accessories:
        metal = _jitter(rng, (225, 190, 60) if rng.random() < 0.6 else
                        (200, 200, 210), 15)
        hoop = rng.random() < 0.5
        sides = (1, -1) if rng.random() < 0.8 else (rng.choice([1, -1]), )
        for side in sides:
            x, r = side * width * 0.98, rng.uniform(0.08, 0.12)
            if hoop:
                mask = canvas.region([_ellipse(x, 0.3 + r, r, r)],
                                     thickness=0.08)
            else:  # a drop
                mask = canvas.region([_ellipse(x, 0.3 + r, r * 0.8, r * 1.3)])
            canvas.paint('ear_r', mask, metal)
    if 'neck_l' in accessories:
        bead = _jitter(rng, (230, 220, 200) if rng.random() < 0.5 else
                       (220, 180, 60), 15)
        depth = rng.uniform(0.2, 0.6)
        chain = _ellipse(0, 1.0, neck_w * 1.05, depth, 0, 0, 180)
        canvas.paint('neck_l',
                     canvas.region([chain], thickness=rng.uniform(0.1, 0.14)),
                     bead)

    # 8. photometry: light gradient, noise, slight blur
    light = np.linspace(rng.uniform(0.75, 1.0), rng.uniform(0.85, 1.15),
                        size)[None, :, None]
    image = canvas.image * (
        light if rng.random() < 0.5 else light.transpose(1, 0, 2))
    image = image + rng.normal(0, rng.uniform(2, 8), image.shape)
    image = cv2.GaussianBlur(
        np.clip(image, 0, 255).astype(np.uint8), (3, 3), rng.uniform(0.1, 0.8))
    return image, canvas.label, canvas.part_masks()


def merge_masks(masks: Dict[str, np.ndarray], shape) -> np.ndarray:
    """Label map of part masks, merged as CelebAMask-HQ is merged.

    Args:
        masks (dict[str, np.ndarray]): H x W masks keyed by suffix.
        shape (tuple[int, int]): H, W.

    Returns:
        np.ndarray: H x W uint8 label ids; later suffixes overwrite earlier.
    """
    label = np.zeros(shape, np.uint8)
    for i, suffix in enumerate(MASK_SUFFIXES):
        if suffix in masks:
            label[masks[suffix] > 0] = i + 1
    return label


def sample_accessories(rng: np.random.Generator) -> Tuple[str, ...]:
    """Draw each accessory independently at its :data:`ACCESSORY_RATES`."""
    return tuple(name for name, rate in ACCESSORY_RATES.items()
                 if rng.random() < rate)


def _write_png(path, array):
    ok, buf = cv2.imencode('.png', array)
    assert ok, path
    with open(path, 'wb') as f:
        f.write(buf.tobytes())


def _write_one(task):
    root, idx, seed, image_size, mask_size = task
    rng = np.random.default_rng([seed, idx])
    image, _, masks = draw_face(rng, image_size, sample_accessories(rng))
    ok, buf = cv2.imencode('.jpg', cv2.cvtColor(image, cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    with open(osp.join(root, 'CelebA-HQ-img', f'{idx}.jpg'), 'wb') as f:
        f.write(buf.tobytes())
    folder = osp.join(root, 'CelebAMask-HQ-mask-anno', str(idx // 2000))
    written = []
    for suffix, mask in masks.items():
        small = cv2.resize(
            mask.astype(np.uint8) * 255, (mask_size, mask_size),
            interpolation=cv2.INTER_NEAREST)
        if small.any():  # a part too small for the mask size is absent
            _write_png(osp.join(folder, f'{idx:05d}_{suffix}.png'), small)
            written.append(suffix)
    return written


def generate_synthetic_celebamask_hq(out_dir: str,
                                     num_images: int = 3000,
                                     image_size: int = 256,
                                     mask_size: int = 128,
                                     split_ratios: Tuple[float, float,
                                                         float] = (0.8, 0.1,
                                                                   0.1),
                                     seed: int = 0,
                                     nproc: int = 1) -> dict:
    """Write a synthetic CelebAMask-HQ download to ``out_dir``.

    The dataset is drawn into a temporary folder beside ``out_dir`` and
    renamed when complete, so an interrupted run leaves nothing half
    written. Image ``i`` depends only on ``(seed, i)``, not on ``nproc``.
    ``out_dir/synthetic_faces.json`` records the arguments and, per class,
    how many images contain it.

    Args:
        out_dir (str): Folder to create; must not exist.
        num_images (int): Number of faces. Default: 3000.
        image_size (int): Image side. Default: 256.
        mask_size (int): Mask side (the real data has images twice the mask
            size). Default: 128.
        split_ratios (tuple[float]): Train, val, test fractions.
            Default: (0.8, 0.1, 0.1).
        seed (int): Seed. Default: 0.
        nproc (int): Worker processes. Default: 1.

    Returns:
        dict: The metadata written to ``synthetic_faces.json``.
    """
    if osp.exists(out_dir):
        raise FileExistsError(f'{out_dir} already exists; remove it or '
                              'choose another folder')
    if num_images < 3:
        raise ValueError(f'num_images must be >= 3, got {num_images}')
    if len(split_ratios) != 3 or min(split_ratios) < 0 or \
            not np.isclose(sum(split_ratios), 1.0):
        raise ValueError('split_ratios must be 3 non-negative fractions '
                         f'summing to 1, got {split_ratios}')
    tmp = out_dir.rstrip('/') + '.tmp'
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(osp.join(tmp, 'CelebA-HQ-img'))
    for folder in range((num_images - 1) // 2000 + 1):
        os.makedirs(osp.join(tmp, 'CelebAMask-HQ-mask-anno', str(folder)))

    # 1. the images and masks, with a progress bar
    tasks = [(tmp, i, seed, image_size, mask_size) for i in range(num_images)]
    if nproc > 1:
        parts = track_parallel_progress(_write_one, tasks, nproc)
    else:
        parts = track_progress(_write_one, tasks)

    # 2. split files in CelebA's format: a shuffled assignment of groups
    order = np.random.default_rng([seed, num_images]).permutation(num_images)
    counts = np.floor(np.asarray(split_ratios) * num_images).astype(int)
    counts[0] = num_images - counts[1:].sum()
    groups = np.zeros(num_images, int)
    groups[order[counts[0]:counts[0] + counts[1]]] = 1
    groups[order[counts[0] + counts[1]:]] = 2
    with open(osp.join(tmp, 'CelebA-HQ-to-CelebA-mapping.txt'), 'w') as f:
        f.write('idx orig_idx orig_file\n')
        for i in range(num_images):
            f.write(f'{i} {i} {i + 1:06d}.jpg\n')
    with open(osp.join(tmp, 'list_eval_partition.txt'), 'w') as f:
        for i in range(num_images):
            f.write(f'{i + 1:06d}.jpg {groups[i]}\n')

    # 3. metadata, then publish the folder in one rename
    images_with = {
        name: int(sum(name in p for p in parts))
        for name in MASK_SUFFIXES
    }
    meta = dict(
        version=GENERATOR_VERSION,
        num_images=num_images,
        image_size=image_size,
        mask_size=mask_size,
        split_ratios=list(split_ratios),
        seed=seed,
        split_sizes=dict(
            train=int(counts[0]),
            val=int(counts[1]),
            test=int(num_images - counts[0] - counts[1])),
        images_with=images_with)
    with open(osp.join(tmp, METADATA_FILE), 'w') as f:
        json.dump(meta, f, indent=2)
    os.rename(tmp, out_dir)
    return meta


def prepare_synthetic_celebamask_hq(data_dir: str,
                                    num_images: int = 3000,
                                    image_size: int = 256,
                                    seed: int = 0,
                                    nproc: int = 1) -> Tuple[str, dict]:
    """Draw (or reuse) synthetic faces and convert them for mmseg.

    The raw download goes to ``data_dir/raw`` (reused when its
    ``synthetic_faces.json`` records the same arguments) and the
    CelebAMask-HQ converter writes mmseg's layout to
    ``data_dir/celebamask_hq`` (images as drawn, labels brought from the
    mask size, ``image_size // 2``, to the image size).

    Args:
        data_dir (str): Folder of both datasets.
        num_images (int): Number of faces. Default: 3000.
        image_size (int): Side of the drawn images. Default: 256.
        seed (int): Seed. Default: 0.
        nproc (int): Worker processes. Default: 1.

    Returns:
        tuple[str, dict]: The converted dataset's root and the metadata of
        the drawn one.
    """
    from .preparation import convert_celebamask_hq
    raw = osp.join(data_dir, 'raw')
    wanted = dict(
        num_images=num_images,
        image_size=image_size,
        mask_size=image_size // 2,
        seed=seed)
    if osp.isdir(raw):
        meta_file = osp.join(raw, METADATA_FILE)
        if not osp.isfile(meta_file):
            raise FileExistsError(f'{raw} exists but has no {METADATA_FILE}: '
                                  'not a synthetic dataset; remove it')
        with open(meta_file) as f:
            meta = json.load(f)
        wanted['version'] = GENERATOR_VERSION
        differ = {
            k: meta.get(k)
            for k, v in wanted.items() if meta.get(k) != v
        }
        if differ:
            raise FileExistsError(
                f'{raw} was drawn with other arguments or by another version '
                f'of the generator: {differ} (wanted {wanted}); remove it or '
                'choose another folder')
        print_log(f'reusing the synthetic faces in {raw}', logger='current')
    else:
        os.makedirs(data_dir, exist_ok=True)
        print_log(
            f'drawing {num_images} synthetic faces into {raw}',
            logger='current')
        meta = generate_synthetic_celebamask_hq(raw, nproc=nproc, **wanted)
    out = osp.join(data_dir, 'celebamask_hq')
    print_log(
        f'converting {raw} with the CelebAMask-HQ converter into {out}',
        logger='current')
    convert_celebamask_hq(
        raw,
        out,
        nproc=nproc,
        image_size=image_size,
        mask_size=image_size // 2)
    return out, meta
