# Copyright (c) segface-mmseg contributors. All rights reserved.
"""What inference takes from a config and a checkpoint: class names and
palette, and the test pipeline for in-memory images."""
import copy
from typing import Optional, Tuple

import numpy as np
from mmengine.config import Config
from mmengine.dataset import Compose
from mmseg.registry import DATASETS

from ..datasets.face_classes import FACE_PALETTE


def model_dataset_meta(meta: Optional[dict], cfg: Config,
                       checkpoint: Optional[str]) -> dict:
    """Classes and palette: the checkpoint's, else the config dataset's."""
    if meta and meta.get('classes'):
        classes = tuple(meta['classes'])
        palette = meta.get('palette')
    else:
        dataset_type = cfg.get('test_dataloader', {}).get('dataset',
                                                          {}).get('type')
        dataset_cls = DATASETS.get(dataset_type) if dataset_type else None
        info = getattr(dataset_cls, 'METAINFO', None) or {}
        if not info.get('classes'):
            raise ValueError(
                f'{checkpoint or "no checkpoint"}: no class names in the '
                'checkpoint meta and none in the config\'s test dataset '
                f'({dataset_type})')
        classes = tuple(info['classes'])
        palette = info.get('palette')
    if not palette or len(palette) != len(classes):
        palette = [
            list(FACE_PALETTE.get(name, _fallback_colour(i)))
            for i, name in enumerate(classes)
        ]
    return dict(classes=classes, palette=[list(c) for c in palette])


def _fallback_colour(index: int) -> Tuple[int, int, int]:
    rng = np.random.RandomState(index + 1)
    return tuple(int(v) for v in rng.randint(0, 256, 3))


def array_test_pipeline(cfg: Config) -> Compose:
    """The config's test pipeline for in-memory BGR arrays, no labels."""
    pipeline = []
    for transform in copy.deepcopy(cfg.test_dataloader.dataset.pipeline):
        if transform['type'] in ('LoadAnnotations', 'LoadDepthAnnotation'):
            continue
        if transform['type'] in ('LoadImageFromFile', 'InferencerLoader'):
            transform = dict(type='LoadImageFromNDArray')
        pipeline.append(transform)
    if not pipeline or pipeline[0]['type'] != 'LoadImageFromNDArray':
        raise ValueError('the test pipeline must start by loading the image '
                         '(LoadImageFromFile)')
    return Compose(pipeline)
