# Copyright (c) segface-mmseg contributors. All rights reserved.
"""A small SegFace for the inference tests: its config file and checkpoints
written as converted weights are (``state_dict`` + ``meta.dataset_meta``)."""
import os.path as osp

import torch

from segface_mmseg.classes import CELEBAMASK_HQ_CLASSES, palette_of
from .utils import CONFIG_DIR

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
