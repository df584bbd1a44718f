# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Drawn faces written as the CelebAMask-HQ download is laid out."""
import json
import os
import os.path as osp
from typing import List, Tuple

import cv2
import numpy as np
from mmengine.utils import track_parallel_progress, track_progress

from segface_mmseg.datasets.preparation import PART_SUFFIXES
from segface_mmseg.datasets.preparation.celebamask_hq import (ANNO_DIR,
                                                              IMAGE_DIR,
                                                              MAPPING_FILE,
                                                              PARTITION_FILE)
from segface_mmseg.utils import atomic_output_dir
from .accessories import sample_accessories
from .face import draw_face

METADATA_FILE = 'synthetic_faces.json'
# Bumped whenever the drawing changes, so stale drawn data is not reused.
GENERATOR_VERSION = 1


def _write_encoded(path: str, ext: str, array: np.ndarray, params=()) -> None:
    """Encode ``array`` as ``ext`` with OpenCV and write it to ``path``."""
    ok, buf = cv2.imencode(ext, array, list(params))
    if not ok:
        raise RuntimeError(f'{path}: OpenCV could not encode the '
                           f'{array.shape} {array.dtype} array as {ext}')
    with open(path, 'wb') as f:
        f.write(buf.tobytes())


def _write_one(task) -> List[str]:
    """Draw face ``idx`` and write its image and part masks; returns the
    suffixes of the masks written."""
    root, idx, seed, image_size, mask_size = task
    rng = np.random.default_rng([seed, idx])
    image, _, masks = draw_face(rng, image_size, sample_accessories(rng))
    _write_encoded(
        osp.join(root, IMAGE_DIR, f'{idx}.jpg'), '.jpg',
        cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    folder = osp.join(root, ANNO_DIR, str(idx // 2000))
    written = []
    for suffix, mask in masks.items():
        small = cv2.resize(
            mask.astype(np.uint8) * 255, (mask_size, mask_size),
            interpolation=cv2.INTER_NEAREST)
        if small.any():  # a part too small for the mask size is absent
            _write_encoded(
                osp.join(folder, f'{idx:05d}_{suffix}.png'), '.png', small)
            written.append(suffix)
    return written


def _split_groups(num_images: int, split_ratios, seed: int):
    """CelebA partition group (0/1/2) of each image and the split sizes."""
    order = np.random.default_rng([seed, num_images]).permutation(num_images)
    counts = np.floor(np.asarray(split_ratios) * num_images).astype(int)
    counts[0] = num_images - counts[1:].sum()
    groups = np.zeros(num_images, int)
    groups[order[counts[0]:counts[0] + counts[1]]] = 1
    groups[order[counts[0] + counts[1]:]] = 2
    return groups, counts


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
    renamed when complete (:func:`segface_mmseg.utils.atomic_output_dir`),
    so an interrupted run leaves nothing half written under ``out_dir``.
    Image ``i`` depends only on ``(seed, i)``, not on ``nproc``.
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
    if osp.lexists(out_dir):
        raise FileExistsError(f'{out_dir} already exists; remove it or '
                              'choose another folder')
    if num_images < 3:
        raise ValueError(f'num_images must be >= 3, got {num_images}')
    if len(split_ratios) != 3 or min(split_ratios) < 0 or \
            not np.isclose(sum(split_ratios), 1.0):
        raise ValueError('split_ratios must be 3 non-negative fractions '
                         f'summing to 1, got {split_ratios}')
    with atomic_output_dir(out_dir) as tmp:
        os.makedirs(osp.join(tmp, IMAGE_DIR))
        for folder in range((num_images - 1) // 2000 + 1):
            os.makedirs(osp.join(tmp, ANNO_DIR, str(folder)))

        # 1. the images and masks, with a progress bar
        tasks = [(tmp, i, seed, image_size, mask_size)
                 for i in range(num_images)]
        if nproc > 1:
            parts = track_parallel_progress(_write_one, tasks, nproc)
        else:
            parts = track_progress(_write_one, tasks)

        # 2. split files in CelebA's format: a shuffled assignment of groups
        groups, counts = _split_groups(num_images, split_ratios, seed)
        with open(osp.join(tmp, MAPPING_FILE), 'w') as f:
            f.write('idx orig_idx orig_file\n')
            for i in range(num_images):
                f.write(f'{i} {i} {i + 1:06d}.jpg\n')
        with open(osp.join(tmp, PARTITION_FILE), 'w') as f:
            for i in range(num_images):
                f.write(f'{i + 1:06d}.jpg {groups[i]}\n')

        # 3. metadata; leaving the block publishes the folder in one rename
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
            images_with={
                name: int(sum(name in p for p in parts))
                for name in PART_SUFFIXES
            })
        with open(osp.join(tmp, METADATA_FILE), 'w') as f:
            json.dump(meta, f, indent=2)
    return meta
