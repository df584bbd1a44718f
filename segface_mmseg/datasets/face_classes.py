# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Class names, colours and left/right pairs of the face-parsing datasets.

Left and right are from the subject's point of view: ``l_eye`` is the
subject's left eye, which appears on the right side of a frontal photo.
``l_lip`` is the lower lip and ``u_lip`` the upper lip (CelebAMask-HQ's
names). Ids follow the official SegFace label ids, which index its
released checkpoints.
"""

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
    """The :data:`FACE_PALETTE` colours of ``classes``, as lists."""
    return [list(FACE_PALETTE[name]) for name in classes]


def left_right_pairs(classes):
    """Pairs of ids ``(l_x, r_x)`` of classes that swap under a flip."""
    index = {name: i for i, name in enumerate(classes)}
    return [(i, index['r_' + name[2:]]) for name, i in index.items()
            if name.startswith('l_') and 'r_' + name[2:] in index]
