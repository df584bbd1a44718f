# Copyright (c) segface-mmseg contributors. All rights reserved.
import os.path as osp

import pytest
from mmengine.config import Config

from mmseg.registry import DATASETS
from .utils import CONFIG_DIR, all_config_paths, build_model, load_config

CONFIGS = all_config_paths()


def test_configs_are_found():
    # guards against a glob that silently collects nothing
    assert len(CONFIGS) >= 11
    assert osp.join(CONFIG_DIR, 'segface_swinb_celeba.py') in CONFIGS


@pytest.mark.parametrize(
    'path', CONFIGS, ids=[osp.relpath(p, CONFIG_DIR) for p in CONFIGS])
def test_config_builds_model(path):
    raw = Config.fromfile(path)
    assert raw.custom_imports.imports == ['segface_mmseg']
    assert raw.custom_imports.allow_failed_imports is False
    # configs ship with the ImageNet init a user trains from
    init = raw.model.backbone.init_cfg
    assert init.type == 'Pretrained'
    assert init.checkpoint.startswith(('https://', 'torchvision://'))

    model = build_model(load_config(path))
    assert type(model).__name__ == 'FaceEncoderDecoder'
    assert type(model.decode_head).__name__ == 'SegFaceHead'
    dataset_cls = DATASETS.get(raw.train_dataloader.dataset.type)
    num_classes = len(dataset_cls.METAINFO['classes'])
    assert model.decode_head.class_tokens.weight.shape == (num_classes, 256)
    assert model.neck.in_channels == list(raw.model.neck.in_channels)
