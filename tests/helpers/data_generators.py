# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Small fake downloads of CelebAMask-HQ, LaPa and Helen, in their exact raw
layouts and file formats, for the converter and dataset tests.

Each generator returns what a correct conversion must produce, built by an
independent route (e.g. CelebAMask-HQ part masks are derived *from* a target
label map, never merged).
"""
import os
import os.path as osp

import cv2
import numpy as np
from PIL import Image

from segface_mmseg.classes import CELEBAMASK_HQ_CLASSES

# ids spread over several mask folders (id // 2000) and all three splits
CELEBA_SPLITS = {'train': [0, 1, 4001], 'val': [1999, 29999], 'test': [2000]}


def _save(path, array, mode=None, **kwargs):
    os.makedirs(osp.dirname(path), exist_ok=True)
    Image.fromarray(array, mode).save(path, **kwargs)


def _blocky_labels(rng, shape, values, block=4):
    """A label map of ``block``-pixel squares drawn from ``values``."""
    h, w = shape
    cells = rng.choice(values, size=(-(-h // block), -(-w // block)))
    return np.kron(cells, np.ones((block, block),
                                  np.uint8))[:h, :w].astype(np.uint8)


def _smooth_image(rng, shape):
    """A smooth random RGB image (JPEG keeps it nearly intact)."""
    coarse = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
    return np.asarray(
        Image.fromarray(coarse).resize(shape[::-1], Image.BILINEAR))


def photo_like_image(rng, height, width):
    """A photo-like RGB image: a smooth colour field, a few flat shapes with
    hard edges and mild noise (pure noise would exaggerate JPEG effects)."""
    coarse = rng.uniform(0, 255, (5, 5, 3)).astype(np.float32)
    image = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    for _ in range(rng.integers(3, 7)):
        colour = rng.uniform(0, 255, 3).tolist()
        centre = (int(rng.uniform(0, width)), int(rng.uniform(0, height)))
        axes = (max(1, int(rng.uniform(0.05, 0.3) * width)),
                max(1, int(rng.uniform(0.05, 0.3) * height)))
        cv2.ellipse(image, centre, axes, rng.uniform(0, 180), 0, 360, colour,
                    -1)
    image += rng.normal(0, 3, image.shape).astype(np.float32)
    return np.clip(np.round(image), 0, 255).astype(np.uint8)


def _face_points(rng, width, height):
    """SegFace's 5 alignment points of a plausible face: eyes, nose tip,
    mouth corners of the standard 512 layout, randomly rotated, scaled and
    shifted, squashed to the image."""
    standard = np.array([(196, 226), (316, 226), (256, 286), (220, 360.4),
                         (292, 360.4)]) / 512 - 0.5
    theta = np.deg2rad(rng.uniform(-20, 20))
    rot = np.array([[np.cos(theta), -np.sin(theta)],
                    [np.sin(theta), np.cos(theta)]])
    points = standard @ rot.T * rng.uniform(0.7, 1.1) + 0.5
    points += rng.uniform(-0.08, 0.08, 2)
    return points * (width, height)


def make_fake_celebamask_hq(root,
                            splits=None,
                            image_size=64,
                            mask_size=32,
                            seed=0,
                            photo_like=False,
                            num_parts=(4, 9)):
    """Write a fake CelebAMask-HQ download.

    Per image: a random target label map using a random subset of the 18
    parts (so some parts are absent and have no file; one absent part gets
    an all-zero file instead). Each present part's mask covers its target
    pixels plus random decoy pixels where the target holds a *later* part,
    which the merge must overwrite. One mask per image is written as RGB.
    The partition file also lists CelebA images that are not in CelebA-HQ.

    Args:
        root (str): Folder to write.
        splits (dict[str, list[int]], optional): CelebA-HQ ids per split.
            Default: :data:`CELEBA_SPLITS`.
        image_size (int): Image side (1024 in the real data).
        mask_size (int): Mask side (512 in the real data).
        seed (int): Random seed.
        photo_like (bool): :func:`photo_like_image` images instead of
            smooth colour fields.
        num_parts (tuple[int, int]): Parts per image drawn from
            ``range(*num_parts)``; (18, 19) gives every image all of them.

    Returns:
        dict: ``splits`` (ids per split), ``labels`` (id -> expected
        mask_size x mask_size label map), ``images`` (id -> the RGB image
        array as written, before JPEG compression).
    """
    rng = np.random.default_rng(seed)
    splits = splits or CELEBA_SPLITS
    parts = CELEBAMASK_HQ_CLASSES[1:]
    labels, images = {}, {}
    mapping = ['idx         orig_idx    orig_file   \n']
    partition = []
    for group, split in enumerate(('train', 'val', 'test')):
        for hq_id in splits.get(split, []):
            orig = 100000 + 7 * hq_id
            mapping.append(
                f'{hq_id}           {orig - 1}      {orig:06d}.jpg\n')
            partition.append(f'{orig:06d}.jpg {group}\n')
            present = rng.choice(
                np.arange(1, 19), size=rng.integers(*num_parts), replace=False)
            values = np.concatenate([[0], present]).astype(np.uint8)
            target = _blocky_labels(rng, (mask_size, mask_size), values)
            labels[hq_id] = target
            folder = osp.join(root, 'CelebAMask-HQ-mask-anno',
                              str(hq_id // 2000))
            decoys = rng.random((mask_size, mask_size)) < 0.3
            for k, c in enumerate(sorted(present)):
                mask = ((target == c) | (decoys & (target > c))) * 255
                mask = mask.astype(np.uint8)
                if k == 0:  # some downloads have 3-channel masks
                    mask = np.repeat(mask[..., None], 3, axis=2)
                _save(
                    osp.join(folder, f'{hq_id:05d}_{parts[c - 1]}.png'), mask)
            absent = sorted(set(range(1, 19)) - set(present.tolist()))
            if absent:
                _save(
                    osp.join(folder,
                             f'{hq_id:05d}_{parts[absent[0] - 1]}.png'),
                    np.zeros((mask_size, mask_size), np.uint8))
            if photo_like:
                image = photo_like_image(rng, image_size, image_size)
            else:
                image = _smooth_image(rng, (image_size, image_size))
            images[hq_id] = image
            _save(
                osp.join(root, 'CelebA-HQ-img', f'{hq_id}.jpg'),
                image,
                quality=95)
    # CelebA images outside CelebA-HQ are listed too
    partition += ['000001.jpg 0\n', '000002.jpg 2\n']
    rng.shuffle(partition)
    with open(osp.join(root, 'CelebA-HQ-to-CelebA-mapping.txt'), 'w') as f:
        f.writelines(mapping)
    with open(osp.join(root, 'list_eval_partition.txt'), 'w') as f:
        f.writelines(partition)
    return dict(splits=splits, labels=labels, images=images)


def make_fake_lapa(root,
                   names_per_split=2,
                   sizes=((56, 40), (36, 48)),
                   seed=0,
                   photo_like=False):
    """Write a fake LaPa download: non-square images, labels with ids 0-10,
    106-point landmark files (count line, then one ``x y`` line each).

    Args:
        root (str): Folder to write.
        names_per_split (int): Images per split.
        sizes (Sequence[tuple[int, int]]): (width, height) of the images, in
            turn.
        seed (int): Random seed.
        photo_like (bool): :func:`photo_like_image` images, and the points
            SegFace aligns with (74, 104, 83, 105, 54, 84, 90) placed on a
            plausible face; otherwise noise images and uniform points.

    Returns:
        dict: ``splits`` (names per split), and per ``(split, name)``:
        ``labels`` (label map), ``landmarks106`` (106 x 2).
    """
    rng = np.random.default_rng(seed)
    splits, labels, landmarks = {}, {}, {}
    for split in ('train', 'val', 'test'):
        splits[split] = []
        for i in range(names_per_split):
            name = f'{split}_{i:03d}_{seed}'
            w, h = sizes[i % len(sizes)]
            if photo_like:
                image = photo_like_image(rng, h, w)
            else:
                image = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
            label = _blocky_labels(rng, (h, w), np.arange(11), block=3)
            points = rng.uniform((0, 0), (w, h), size=(106, 2))
            if photo_like:  # each eye centre is the mean of two points
                face = _face_points(rng, w, h)
                jitter = rng.uniform(-1, 1, (2, 2))
                points[[74, 83]] = face[:2] + jitter
                points[[104, 105]] = face[:2] - jitter
                points[[54, 84, 90]] = face[2:]
            points = points.round(3)
            _save(
                osp.join(root, split, 'images', f'{name}.jpg'),
                image,
                quality=90)
            _save(osp.join(root, split, 'labels', f'{name}.png'), label)
            os.makedirs(osp.join(root, split, 'landmarks'), exist_ok=True)
            with open(osp.join(root, split, 'landmarks', f'{name}.txt'),
                      'w') as f:
                f.write('106\n')
                f.writelines(f'{x:.3f} {y:.3f}\n' for x, y in points)
            splits[split].append(name)
            labels[(split, name)] = label
            landmarks[(split, name)] = points
    return dict(splits=splits, labels=labels, landmarks106=landmarks)


def make_fake_helen(root, boxes=None, size=(60, 50), seed=0, photo_like=False):
    """Write a fake relabeled Helen download: ``{name}_image.jpg``,
    ``{name}_label.png`` and ``{name}_viz.jpg`` per image, and
    ``landmarks.txt`` with 68 points per image at twice the image scale.

    The 68 points of an image lie in its box ``(x1, y1, x2, y2)`` (image
    pixels), with points 0 and 1 on two opposite corners, so the box is
    exactly the landmarks' bounding box.

    Args:
        root (str): Folder to write.
        boxes (dict[str, dict[str, tuple]], optional): Per split, per name,
            the landmark box. Default: two train and one test image, one box
            sticking out of the image at the top left.
        size (tuple[int, int]): (width, height) of the images.
        seed (int): Random seed.
        photo_like (bool): :func:`photo_like_image` images instead of noise.

    Returns:
        dict: ``splits`` (names per split), and per name: ``images``,
        ``labels``, ``landmarks68`` (68 x 2, image pixels).
    """
    rng = np.random.default_rng(seed)
    boxes = boxes or {
        'train': {
            '100032540_1': (10, 20, 30, 44),
            '10405424_1': (-6, -4, 20, 18)
        },
        'test': {
            '1030333538_1': (12, 6, 50, 40)
        }
    }
    w, h = size
    splits, images, labels, landmarks, lines = {}, {}, {}, {}, []
    for split, split_boxes in boxes.items():
        splits[split] = sorted(split_boxes)
        for name, (x1, y1, x2, y2) in split_boxes.items():
            if photo_like:
                image = photo_like_image(rng, h, w)
            else:
                image = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
            label = _blocky_labels(rng, (h, w), np.arange(11), block=5)
            points = rng.uniform((x1, y1), (x2, y2), size=(68, 2))
            points[0], points[1] = (x1, y1), (x2, y2)
            points = points.round(2)
            _save(
                osp.join(root, split, f'{name}_image.jpg'), image, quality=95)
            _save(osp.join(root, split, f'{name}_label.png'), label)
            _save(osp.join(root, split, f'{name}_viz.jpg'), image // 2)
            lines.append(' '.join(f'{v:.2f}' for v in (points * 2).ravel()) +
                         f' {name}\n')
            images[name], labels[name], landmarks[name] = image, label, points
    rng.shuffle(lines)
    with open(osp.join(root, 'landmarks.txt'), 'w') as f:
        f.writelines(lines)
    return dict(
        splits=splits, images=images, labels=labels, landmarks68=landmarks)
