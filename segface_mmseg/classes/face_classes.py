# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Class names, colours and left/right pairs of the face-parsing datasets.

Left and right are from the subject's point of view: ``l_eye`` is the
subject's left eye, which appears on the right side of a frontal photo.
``l_lip`` is the lower lip and ``u_lip`` the upper lip (CelebAMask-HQ's
names). Ids follow the official SegFace label ids, which index its
released checkpoints.
"""
import colorsys
import zlib

import numpy as np

# One colour per class name (RGB), shared by all datasets. Paired classes get
# a saturated colour for the left part and a light one for the right part,
# so overlays tell left from right at a glance.
FACE_PALETTE = {
    'background': (0, 0, 0),
    'skin': (255, 204, 153),
    'neck': (204, 102, 51),
    'cloth': (0, 153, 76),
    'l_ear': (220, 20, 60),
    'r_ear': (255, 160, 180),
    'l_brow': (120, 60, 0),
    'r_brow': (210, 160, 90),
    'l_eye': (0, 70, 255),
    'r_eye': (0, 200, 255),
    'nose': (255, 225, 25),
    'mouth': (110, 0, 110),
    'u_lip': (250, 130, 250),
    'l_lip': (230, 40, 220),
    'hair': (90, 50, 160),
    'eye_g': (128, 128, 128),
    'hat': (0, 0, 128),
    'ear_r': (170, 255, 195),
    'neck_l': (0, 128, 128),
}

CELEBAMASK_HQ_CLASSES = ('background', 'neck', 'skin', 'cloth', 'l_ear',
                         'r_ear', 'l_brow', 'r_brow', 'l_eye', 'r_eye', 'nose',
                         'mouth', 'l_lip', 'u_lip', 'hair', 'eye_g', 'hat',
                         'ear_r', 'neck_l')
# LaPa and Helen share one 11-class order.
LAPA_CLASSES = ('background', 'skin', 'l_brow', 'r_brow', 'l_eye', 'r_eye',
                'nose', 'u_lip', 'mouth', 'l_lip', 'hair')


def palette_of(classes):
    """The :data:`FACE_PALETTE` colours of ``classes``, as lists.

    A name :data:`FACE_PALETTE` lacks (a class of one's own data) gets a
    saturated colour derived from the name alone, the same in every class
    list.
    """
    return [
        list(FACE_PALETTE[name])
        if name in FACE_PALETTE else _colour_of_name(name) for name in classes
    ]


def _colour_of_name(name):
    """A saturated RGB colour from a hash of ``name`` (hue)."""
    hue = zlib.crc32(name.encode()) % 360
    rgb = colorsys.hsv_to_rgb(hue / 360, 0.75, 0.95)
    return [int(round(255 * c)) for c in rgb]


def left_right_pairs(classes):
    """Pairs of ids ``(l_x, r_x)`` of classes that swap under a flip."""
    index = {name: i for i, name in enumerate(classes)}
    return [(i, index['r_' + name[2:]]) for name, i in index.items()
            if name.startswith('l_') and 'r_' + name[2:] in index]


# Helen (the relabeled version SegFace uses) has LaPa's 11 classes and ids.
HELEN_CLASSES = LAPA_CLASSES

# CelebAMask-HQ orders used elsewhere, for remapping label maps (class names
# as above). face-parsing.PyTorch (zllrunning) `prepropess_data.py`, also
# used by its BiSeNet checkpoint and the tools built on it:
ZLLRUNNING_CELEBAMASK_HQ_CLASSES = ('background', 'skin', 'l_brow', 'r_brow',
                                    'l_eye', 'r_eye', 'eye_g', 'l_ear',
                                    'r_ear', 'ear_r', 'nose', 'mouth', 'u_lip',
                                    'l_lip', 'neck', 'neck_l', 'cloth', 'hair',
                                    'hat')
# The original CelebAMask-HQ release, `face_parsing/Data_preprocessing/
# g_mask.py`:
ORIGINAL_CELEBAMASK_HQ_CLASSES = ('background', 'skin', 'nose', 'eye_g',
                                  'l_eye', 'r_eye', 'l_brow', 'r_brow',
                                  'l_ear', 'r_ear', 'mouth', 'u_lip', 'l_lip',
                                  'hair', 'hat', 'ear_r', 'neck_l', 'neck',
                                  'cloth')


def class_remap(src_classes, dst_classes):
    """Look-up table mapping label ids of one class order to another.

    ``lut[label]`` turns a label map written in ``src_classes`` order into
    ``dst_classes`` order; 255 (ignore) maps to itself.

    Args:
        src_classes (Sequence[str]): Class names by id of the input labels.
        dst_classes (Sequence[str]): Class names by id of the output labels.

    Returns:
        np.ndarray: uint8 array of 256 entries.
    """
    missing = sorted(set(src_classes) - set(dst_classes))
    if missing:
        raise ValueError(f'classes {missing} have no counterpart in '
                         f'{tuple(dst_classes)}')
    index = {name: i for i, name in enumerate(dst_classes)}
    lut = np.full(256, 255, dtype=np.uint8)
    for i, name in enumerate(src_classes):
        lut[i] = index[name]
    return lut
