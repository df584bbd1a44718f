# Copyright (c) segface-mmseg contributors. All rights reserved.
"""What inference takes from a config and a checkpoint: class names and
palette, the test pipeline for in-memory images, the network input size."""
import copy
import warnings
from typing import Optional, Tuple

import numpy as np
import torch
from mmcv.transforms import Resize
from mmengine.config import Config
from mmengine.dataset import Compose
from mmseg.registry import DATASETS, TRANSFORMS

from ..classes import FACE_PALETTE
from .build_segmentor import build_segmentor


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


def fixed_size_resize(cfg: Config) -> Optional[dict]:
    """The test pipeline's fixed-size resize transform (mmcv's ``Resize``
    or a subclass of it with ``keep_ratio=False`` and a ``scale``, which
    mmcv gives as ``(w, h)``), or None."""
    pipeline = cfg.get('test_dataloader', {}).get('dataset',
                                                  {}).get('pipeline', [])
    for transform in pipeline:
        transform_cls = TRANSFORMS.get(transform.get('type', ''))
        if (isinstance(transform_cls, type)
                and issubclass(transform_cls, Resize)
                and not transform.get('keep_ratio', False)
                and transform.get('scale') is not None):
            return transform
    return None


def network_input_size(cfg: Config) -> Tuple[int, int]:
    """``(h, w)`` of the network input of a config.

    The test pipeline's fixed-size resize (``keep_ratio=False``: mmcv's
    ``Resize`` or a subclass of it, such as ``ResizeWithLandmarks``) gives
    the size every image is brought to; ``model.data_preprocessor.size``
    the size batches are padded to. A config that has both must have them
    equal (else the images would be padded: the tools would count, export
    or time one size and inference resize to another).

    Args:
        cfg (Config): A model config.

    Returns:
        tuple[int, int]: Height and width.

    Raises:
        ValueError: Neither is set, or the two disagree.
    """
    resize = fixed_size_resize(cfg)
    resized = None if resize is None else (int(resize['scale'][1]),
                                           int(resize['scale'][0]))
    padded = cfg.get('model', {}).get('data_preprocessor', {}).get('size')
    padded = None if padded is None else (int(padded[0]), int(padded[1]))
    if resized and padded and resized != padded:
        raise ValueError(
            f'the test pipeline resizes to {resized[0]}x{resized[1]} (h x w) '
            f'but model.data_preprocessor.size is {padded[0]}x{padded[1]}; '
            'set both to the network input size')
    size = resized or padded
    if size is None:
        raise ValueError(
            'cannot tell the network input size: no fixed-size resize '
            '(Resize or ResizeWithLandmarks with keep_ratio=False) in the '
            'test pipeline and no model.data_preprocessor.size')
    return size


def build_inference_model(cfg: Config, checkpoint: Optional[str],
                          device: torch.device) -> torch.nn.Module:
    """The config's segmentor in eval mode with the checkpoint's weights
    (strictly loaded) and ``dataset_meta`` (its class names and palette, or
    the config dataset's).

    Raises:
        ValueError: The class names do not match the model's outputs.
    """
    if checkpoint is None:
        warnings.warn('FaceParser: no checkpoint, the model has random '
                      'weights')
    model, _, meta = build_segmentor(cfg, checkpoint, device)
    if checkpoint is not None and meta is None:
        warnings.warn(f'{checkpoint}: no meta.dataset_meta; class '
                      'names come from the config\'s dataset')
    model.dataset_meta = model_dataset_meta(meta, cfg, checkpoint)
    num_classes = model.decode_head.out_channels
    num_names = len(model.dataset_meta['classes'])
    if num_names != num_classes:
        raise ValueError(f'{checkpoint or "config"}: {num_names} class '
                         f'names for a model with {num_classes} outputs')
    model.cfg = cfg
    return model
