# Copyright (c) segface-mmseg contributors. All rights reserved.
"""CelebAMask-HQ: official download -> mmseg layout.

Input (``raw_root``), as downloaded, plus CelebA's partition file::

    CelebA-HQ-img/{id}.jpg                            1024 x 1024
    CelebAMask-HQ-mask-anno/{id // 2000}/{id:05d}_{part}.png   512 x 512
    CelebA-HQ-to-CelebA-mapping.txt
    list_eval_partition.txt                           (from CelebA)

Output (``out_dir``)::

    img_dir/{train,val,test}/{id}.jpg       the image, bytes unchanged
    ann_dir/{train,val,test}/{id}.png       label ids 0-18, at the image size
    {train,val,test}.txt                    ids, one a line

The image is not decoded and re-encoded: the test pipelines resize it once,
from the original, to the network size, as the official loader does. The
label is the merged 512 x 512 mask with every pixel repeated k x k (k = 2
for the 1024 images), so it has the image's size; resized with nearest to
any size it gives the same map as the 512 mask resized there (the official
label) for k a power of two.
"""
import os.path as osp
from typing import Dict, List, Optional, Tuple

import numpy as np
from PIL import Image

from .common import convert_all, copy_file, outputs_current, save_image
from .input_checks import (ConversionError, check_complete, check_size,
                           read_image, require_dir, require_file)

# Part files in the official merge order: part i gets label id i + 1, and a
# later part overwrites an earlier one where they overlap (SegFace's
# `make_label`), so priority rises with the id.
PART_SUFFIXES = ('neck', 'skin', 'cloth', 'l_ear', 'r_ear', 'l_brow', 'r_brow',
                 'l_eye', 'r_eye', 'nose', 'mouth', 'l_lip', 'u_lip', 'hair',
                 'eye_g', 'hat', 'ear_r', 'neck_l')

MAPPING_FILE = 'CelebA-HQ-to-CelebA-mapping.txt'
IMAGE_DIR = 'CelebA-HQ-img'
ANNO_DIR = 'CelebAMask-HQ-mask-anno'
PARTITION_FILE = 'list_eval_partition.txt'
SPLITS = ('train', 'val', 'test')  # CelebA partition groups 0, 1, 2


def read_splits(
        raw_root: str,
        partition_file: Optional[str] = None,
        skip_bad: bool = False) -> Tuple[Dict[str, List[int]], List[str]]:
    """CelebA-HQ ids of each split, through the CelebA partition.

    Each HQ id is mapped to its original CelebA file by the mapping file,
    whose group in ``list_eval_partition.txt`` (0 train, 1 val, 2 test)
    gives the split, as the official code does.

    Args:
        raw_root (str): The download folder.
        partition_file (str, optional): CelebA's partition file. Default:
            ``raw_root/list_eval_partition.txt``.
        skip_bad (bool): Leave out the images that the partition file does
            not list, instead of raising. Default: False.

    Returns:
        tuple[dict[str, list[int]], list[str]]: Sorted ids per split, and
        one message per image left out.

    Raises:
        ConversionError: A malformed file, or (unless ``skip_bad``) images
            of the mapping file that the partition file does not list (how
            many, and the first few).
    """
    mapping_file = require_file(
        osp.join(raw_root, MAPPING_FILE), 'CelebA-HQ to CelebA mapping file')
    partition_file = require_file(
        partition_file or osp.join(raw_root, PARTITION_FILE),
        'CelebA partition file (list_eval_partition.txt, from CelebA)')
    orig_to_hq = {}
    with open(mapping_file) as f:
        for line_no, line in enumerate(f, 1):
            if '.jpg' not in line:
                continue  # the header
            fields = line.split()
            if len(fields) != 3 or not fields[0].isdigit():
                raise ConversionError(
                    f'{mapping_file}: line {line_no} is not '
                    f'"idx orig_idx orig_file": {line.strip()!r}')
            if fields[2] in orig_to_hq:
                raise ConversionError(
                    f'{mapping_file}: line {line_no}: {fields[2]} is mapped '
                    f'a second time (first to id {orig_to_hq[fields[2]]})')
            orig_to_hq[fields[2]] = int(fields[0])
    splits = {split: [] for split in SPLITS}
    listed = {}  # CelebA file -> (group, line)
    with open(partition_file) as f:
        for line_no, line in enumerate(f, 1):
            if '.jpg' not in line:
                continue
            fields = line.split()
            if len(fields) != 2 or fields[1] not in ('0', '1', '2'):
                raise ConversionError(
                    f'{partition_file}: line {line_no} is not '
                    f'"file.jpg 0|1|2": {line.strip()!r}')
            if fields[0] in listed:
                group, first = listed[fields[0]]
                if group != fields[1]:
                    raise ConversionError(
                        f'{partition_file}: {fields[0]} is in group {group} '
                        f'(line {first}) and in group {fields[1]} (line '
                        f'{line_no}); each image belongs to one split')
                continue
            listed[fields[0]] = (fields[1], line_no)
            if fields[0] in orig_to_hq:
                splits[SPLITS[int(fields[1])]].append(orig_to_hq[fields[0]])
    if not any(splits.values()):
        raise ConversionError(
            f'{partition_file}: lists none of the images of {mapping_file}')
    missing = [
        f'{orig} (id {hq_id})'
        for orig, hq_id in sorted(orig_to_hq.items(), key=lambda x: x[1])
        if orig not in listed
    ]
    unlisted = check_complete(
        partition_file,
        missing,
        f'images of {osp.basename(mapping_file)} are not listed (so in no '
        'split)',
        "use CelebA's complete list_eval_partition.txt",
        skip_bad=skip_bad)
    return {split: sorted(ids) for split, ids in splits.items()}, unlisted


def merge_part_masks(raw_root: str,
                     hq_id: int,
                     mask_size: int = 512) -> np.ndarray:
    """One label map from the part masks of an image.

    Args:
        raw_root (str): The download folder.
        hq_id (int): CelebA-HQ id.
        mask_size (int): Side of the part masks.

    Returns:
        np.ndarray: mask_size x mask_size uint8 label ids, 0 background.
    """
    paths = part_mask_paths(raw_root, hq_id)
    if not any(osp.isfile(path) for path in paths):
        raise ConversionError(
            f'{paths[0][:-len(PART_SUFFIXES[0]) - 4]}*.png: no part mask of '
            f'image {hq_id} (an incomplete download?)')
    masks = {}
    for suffix, path in zip(PART_SUFFIXES, paths):
        if not osp.isfile(path):
            continue  # the part is absent from this face
        mask = read_image(path, 'L')
        check_size(path, mask.size, (mask_size, mask_size))
        masks[suffix] = np.asarray(mask)
    return merge_parts(masks, (mask_size, mask_size))


def merge_parts(masks: Dict[str, np.ndarray], shape: Tuple[int,
                                                           int]) -> np.ndarray:
    """The official merge rule: part ``PART_SUFFIXES[i]`` gets label id
    ``i + 1``, later parts overwriting earlier ones where they overlap.

    Args:
        masks (dict[str, np.ndarray]): H x W part masks (non-zero inside)
            keyed by suffix; absent parts are left out.
        shape (tuple[int, int]): H, W.

    Returns:
        np.ndarray: H x W uint8 label ids, 0 background.
    """
    unknown = set(masks) - set(PART_SUFFIXES)
    if unknown:
        raise ValueError(f'unknown part suffixes {sorted(unknown)}; the '
                         f'parts are {PART_SUFFIXES}')
    label = np.zeros(shape, np.uint8)
    for i, suffix in enumerate(PART_SUFFIXES):
        if suffix in masks:
            label[np.asarray(masks[suffix]) > 0] = i + 1
    return label


def part_mask_paths(raw_root: str, hq_id: int) -> List[str]:
    """The 18 part-mask paths of an image, in :data:`PART_SUFFIXES` order
    (absent parts included).

    Raises:
        ConversionError: The image's folder of masks is missing.
    """
    folder = require_dir(
        osp.join(raw_root, ANNO_DIR, str(hq_id // 2000)),
        f'folder of part masks (of image {hq_id})')
    return [
        osp.join(folder, f'{hq_id:05d}_{suffix}.png')
        for suffix in PART_SUFFIXES
    ]


def repeat_to_image_size(label: np.ndarray, image_size: Tuple[int, int],
                         path: str) -> np.ndarray:
    """Repeat each label pixel k x k to reach the image size.

    Args:
        label (np.ndarray): S x S label map.
        image_size (tuple[int, int]): (w, h) of the image, a multiple of S.
        path (str): The image, named in the error.

    Returns:
        np.ndarray: h x w label map.
    """
    side = label.shape[0]
    k = image_size[0] // side
    if image_size[0] != image_size[1] or image_size[0] != k * side:
        raise ConversionError(
            f'{path}: size {image_size[0]}x{image_size[1]} is not a square '
            f'multiple of the {side}x{side} masks')
    return np.repeat(np.repeat(label, k, axis=0), k, axis=1)


def _is_current(img_out: str, ann_out: str, img_path: str) -> bool:
    """Whether finished outputs are this converter's: the image's bytes as
    downloaded and the label at its size (anything else is converted
    again)."""
    if osp.getsize(img_out) != osp.getsize(img_path):
        return False
    with Image.open(ann_out) as label, Image.open(img_path) as image:
        return label.size == image.size


def _convert_one(task):
    hq_id, split, raw_root, out_dir, image_size, mask_size = task
    img_out = osp.join(out_dir, 'img_dir', split, f'{hq_id}.jpg')
    ann_out = osp.join(out_dir, 'ann_dir', split, f'{hq_id}.png')
    img_path = osp.join(raw_root, IMAGE_DIR, f'{hq_id}.jpg')
    status = 'converted'
    if osp.isfile(img_out) and osp.isfile(ann_out):
        inputs = [img_path] + part_mask_paths(raw_root, hq_id)
        if (outputs_current([img_out, ann_out], inputs)
                and osp.isfile(img_path)
                and _is_current(img_out, ann_out, img_path)):
            return 'existing', split, str(hq_id)
        status = 'upgraded'
    image = read_image(img_path, 'RGB')  # decoded to catch damaged files
    if image_size is not None:
        check_size(img_path, image.size, (image_size, image_size))
    label = merge_part_masks(raw_root, hq_id, mask_size)
    label = repeat_to_image_size(label, image.size, img_path)
    save_image(ann_out, label, 'PNG')
    copy_file(img_path, img_out)
    return status, split, str(hq_id)


def convert_celebamask_hq(raw_root: str,
                          out_dir: str,
                          nproc: int = 1,
                          partition_file: Optional[str] = None,
                          image_size: Optional[int] = 1024,
                          mask_size: int = 512,
                          skip_bad: bool = False) -> dict:
    """Convert the CelebAMask-HQ download to mmseg's layout.

    The 18 part masks of each face are merged into one label map in
    SegFace's order and priority and brought to the image size
    (:func:`repeat_to_image_size`); the image is copied unchanged.
    Re-running skips finished samples and converts again those an older
    version of the converter wrote (resized, re-encoded images) and those
    whose raw files changed since, counted as ``upgraded`` in the summary.

    Args:
        raw_root (str): The download folder (see the module docstring).
        out_dir (str): Output root.
        nproc (int): Worker processes. Default: 1.
        partition_file (str, optional): CelebA's ``list_eval_partition.txt``.
            Default: inside ``raw_root``.
        image_size (int, optional): Expected side of the images; None accepts
            any square multiple of ``mask_size``. Default: 1024.
        mask_size (int): Side of the part masks. Default: 512.
        skip_bad (bool): Skip and list bad inputs instead of stopping.
            Default: False.

    Returns:
        dict: Summary, see :func:`common.summarize`.

    Raises:
        ConversionError: A bad input file (named in the message), or
            images that the partition file does not list, unless
            ``skip_bad``.
    """
    require_dir(osp.join(raw_root, IMAGE_DIR), 'folder of images')
    require_dir(osp.join(raw_root, ANNO_DIR), 'folder of part masks')
    splits, unlisted = read_splits(raw_root, partition_file, skip_bad)
    tasks = [(hq_id, split, raw_root, out_dir, image_size, mask_size)
             for split, ids in splits.items() for hq_id in ids]
    names = {split: [str(i) for i in ids] for split, ids in splits.items()}
    return convert_all(
        _convert_one, tasks, names, out_dir, nproc, skip_bad, skipped=unlisted)
