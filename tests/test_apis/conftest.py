# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Fixtures of the inference tests: a small model, its checkpoint, photos."""
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from matplotlib import cbook

from segface_mmseg.datasets.face_classes import (CELEBAMASK_HQ_CLASSES,
                                                 palette_of)
from ..utils import CONFIG_DIR, build_model

MOBILENET = osp.join(
    CONFIG_DIR,
    'segface/segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py')
SIZE = 64
# A config file: MobileNetV3 SegFace at 64 x 64, no ImageNet download.
TINY_CONFIG = f"""_base_ = {MOBILENET!r}
size = ({SIZE}, {SIZE})
model = dict(data_preprocessor=dict(size=size), backbone=dict(init_cfg=None))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=size, keep_ratio=False,
         interpolation='bicubic', backend='pillow'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
"""


def save_checkpoint(model,
                    path,
                    classes=CELEBAMASK_HQ_CLASSES,
                    palette='default'):
    """Write ``state_dict`` + ``meta.dataset_meta`` (as converted weights)."""
    meta = {}
    if classes is not None:
        meta = dict(
            dataset_meta=dict(
                classes=tuple(classes),
                palette=palette_of(classes) if palette ==
                'default' else palette))
    torch.save(dict(state_dict=model.state_dict(), meta=meta), path)
    return str(path)


def write_tiny_config(folder):
    """Write :data:`TINY_CONFIG` as ``folder/segface_tiny.py``."""
    path = folder / 'segface_tiny.py'
    path.write_text(TINY_CONFIG)
    return str(path)


@pytest.fixture(scope='session')
def tiny_config(tmp_path_factory):
    return write_tiny_config(tmp_path_factory.mktemp('cfg'))


@pytest.fixture(scope='session')
def tiny_model(tiny_config):
    torch.manual_seed(0)
    return build_model(tiny_config)


@pytest.fixture(scope='session')
def tiny_checkpoint(tiny_model, tmp_path_factory):
    return save_checkpoint(tiny_model,
                           tmp_path_factory.mktemp('ckpt') / 'tiny.pth')


def face_photo():
    """A real portrait (Grace Hopper, shipped with matplotlib), BGR."""
    return cv2.imread(
        cbook.get_sample_data('grace_hopper.jpg', asfileobj=False))


# Where group_photo() puts the portrait: (x, y, scale, mirrored)
PLACEMENTS = ((30, 50, 1.0, False), (700, 100, 0.5, False), (1000, 500, 1 / 3,
                                                             True))


def group_photo():
    """A generated 900 x 1400 photo of three faces of different sizes."""
    face = face_photo()
    canvas = np.full((900, 1400, 3), 200, np.uint8)
    for x, y, scale, mirrored in PLACEMENTS:
        img = face[:, ::-1] if mirrored else face
        img = cv2.resize(
            img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        h, w = img.shape[:2]
        canvas[y:y + h, x:x + w] = img
    return canvas
