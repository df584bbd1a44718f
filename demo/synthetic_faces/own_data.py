# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Drawn faces as "one's own data": another class list, mmseg's layout.

The fine-tuning tutorial (docs/finetune.md) needs data whose classes differ
from the demo checkpoint's 19: the left/right pairs merged (:data:`MERGES`)
and a class the demo never saw, ``teeth`` (``draw_face(teeth=True)``). The
faces are written as a user's own data would be: ``img_dir/{split}`` and
``ann_dir/{split}`` with label ids of :data:`CLASSES`, and a
``classes.json`` for ``FaceParsingDataset``.
"""
import json
import os
import os.path as osp
from typing import Dict, Tuple

import cv2
import numpy as np
from mmengine.logging import print_log
from mmengine.utils import track_parallel_progress, track_progress

from segface_mmseg.apis import atomic_write_image
from segface_mmseg.classes import CELEBAMASK_HQ_CLASSES, write_classes_file
from segface_mmseg.utils import atomic_output_dir
from .accessories import sample_accessories
from .face import draw_face
from .raw_download import GENERATOR_VERSION

# New class <- the demo's classes it merges (the class-transfer mapping).
MERGES = dict(
    ears=('l_ear', 'r_ear'),
    brows=('l_brow', 'r_brow'),
    eyes=('l_eye', 'r_eye'))
# The demo's classes with each pair in the place of its left part, then
# the new class.
CLASSES = ('background', 'neck', 'skin', 'cloth', 'ears', 'brows', 'eyes',
           'nose', 'mouth', 'l_lip', 'u_lip', 'hair', 'eye_g', 'hat', 'ear_r',
           'neck_l', 'teeth')
NEW_CLASSES = ('teeth', )
SPLITS = ('train', 'val', 'test')
METADATA_FILE = 'own_faces.json'


def label_lut() -> np.ndarray:
    """256-entry map from the demo's (CelebAMask-HQ) label ids to
    :data:`CLASSES` ids; 255 stays ignored."""
    merged_into = {old: new for new, olds in MERGES.items() for old in olds}
    lut = np.full(256, 255, np.uint8)
    for i, name in enumerate(CELEBAMASK_HQ_CLASSES):
        lut[i] = CLASSES.index(merged_into.get(name, name))
    return lut


def draw_own_face(seed: int, idx: int,
                  size: int) -> Tuple[np.ndarray, np.ndarray]:
    """Face ``idx``: its RGB image and its label in :data:`CLASSES` ids."""
    rng = np.random.default_rng([seed, idx])
    image, label, masks = draw_face(
        rng, size, sample_accessories(rng), teeth=True)
    label = label_lut()[label]
    if 'teeth' in masks:
        label[masks['teeth']] = CLASSES.index('teeth')
    return image, label


def _write_one(task) -> Dict[str, bool]:
    root, split, idx, seed, size = task
    image, label = draw_own_face(seed, idx, size)
    atomic_write_image(
        osp.join(root, 'img_dir', split, f'{idx:05d}.jpg'),
        cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    atomic_write_image(
        osp.join(root, 'ann_dir', split, f'{idx:05d}.png'), label)
    return {name: bool((label == i).any()) for i, name in enumerate(CLASSES)}


def write_own_faces(out_dir: str,
                    split_sizes: Tuple[int, int, int] = (800, 100, 200),
                    image_size: int = 256,
                    seed: int = 1,
                    nproc: int = 1) -> dict:
    """Draw the tutorial's data into ``out_dir`` (or reuse it).

    Face ``i`` depends only on ``(seed, i)``; the default seed differs from
    the demo's (0), so these are faces the demo model has not seen. The
    folder is written through a temporary one and renamed when complete.

    Args:
        out_dir (str): Dataset root.
        split_sizes (tuple[int]): Train, val and test faces.
            Default: (800, 100, 200).
        image_size (int): Image and label side. Default: 256.
        seed (int): Seed. Default: 1.
        nproc (int): Worker processes. Default: 1.

    Returns:
        dict: ``own_faces.json``: the arguments and how many images hold
        each class.

    Raises:
        FileExistsError: ``out_dir`` exists but was drawn otherwise.
    """
    wanted = dict(
        version=GENERATOR_VERSION,
        split_sizes=dict(zip(SPLITS, map(int, split_sizes))),
        image_size=image_size,
        seed=seed,
        classes=list(CLASSES))
    meta_file = osp.join(out_dir, METADATA_FILE)
    if osp.isdir(out_dir):
        meta = {}
        if osp.isfile(meta_file):
            with open(meta_file) as f:
                meta = json.load(f)
        if any(meta.get(k) != v for k, v in wanted.items()):
            raise FileExistsError(
                f'{out_dir} exists but holds other data (wanted {wanted}); '
                'remove it or choose another folder')
        print_log(f'reusing the faces in {out_dir}', logger='current')
        return meta
    print_log(
        f'drawing {sum(split_sizes)} faces with teeth into {out_dir}',
        logger='current')
    starts = np.cumsum([0] + list(split_sizes))
    tasks = [(split, idx)
             for split, begin, end in zip(SPLITS, starts[:-1], starts[1:])
             for idx in range(begin, end)]
    with atomic_output_dir(out_dir) as tmp:
        for split in SPLITS:
            for sub in ('img_dir', 'ann_dir'):
                os.makedirs(osp.join(tmp, sub, split))
        args = [(tmp, split, int(idx), seed, image_size)
                for split, idx in tasks]
        if nproc > 1:
            present = track_parallel_progress(_write_one, args, nproc)
        else:
            present = track_progress(_write_one, args)
        write_classes_file(osp.join(tmp, 'classes.json'), CLASSES)
        meta = dict(
            wanted,
            images_with={
                name: sum(p[name] for p in present)
                for name in CLASSES
            })
        with open(osp.join(tmp, METADATA_FILE), 'w') as f:
            json.dump(meta, f, indent=2)
    return meta
