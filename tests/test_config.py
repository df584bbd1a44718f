# Copyright (c) segface-mmseg contributors. All rights reserved.
import os.path as osp

import pytest
from mmengine.config import Config
from mmseg.registry import DATASETS

from tests.helpers.utils import (CONFIG_DIR, all_config_paths, build_model,
                                 load_config)

CONFIGS = all_config_paths()

# Parameter counts of the official models (built from its network/models/,
# 19 classes) minus what the
# official model holds but never uses: Swin's final LayerNorm(1024) (2,048)
# and, for Swin-V2, the key biases that torchvision zeroes in every forward
# (sum of the 24 blocks' widths: 12,032).
OFFICIAL_PARAMS = {
    'swin-b': 91_007_800 - 2_048,
    'swinv2-b': 91_170_424 - 2_048 - 12_032,
    'convnext-b': 91_828_992,
    'mobilenetv3-l': 7_035_824,
    'efficientnetv2-m': 57_036_916,
    'r101': 47_256_256,
}


def test_configs_are_found():
    # guards against a glob that silently collects nothing
    assert len(CONFIGS) >= 10
    assert osp.join(CONFIG_DIR, 'segface_swinb_celeba.py') in CONFIGS


@pytest.mark.parametrize(
    'path', CONFIGS, ids=[osp.relpath(p, CONFIG_DIR) for p in CONFIGS])
def test_config_builds_model(path):
    raw = Config.fromfile(path)
    assert raw.custom_imports.imports == ['segface_mmseg']
    assert raw.custom_imports.allow_failed_imports is False
    # configs ship with the ImageNet init a user trains from, except the
    # demo's, which trains from scratch (it must run offline)
    init = raw.model.backbone.init_cfg
    if osp.relpath(path, CONFIG_DIR).startswith('demo' + osp.sep):
        assert init is None
    else:
        assert init.type == 'Pretrained'
        assert init.checkpoint.startswith(('https://', 'torchvision://'))

    model = build_model(load_config(path))
    assert type(model).__name__ == 'FaceEncoderDecoder'
    assert type(model.decode_head).__name__ == 'SegFaceHead'
    dataset_cls = DATASETS.get(raw.train_dataloader.dataset.type)
    # FaceParsingDataset (one's own data) has its classes from the config
    classes = dataset_cls.METAINFO.get('classes') or \
        raw.train_dataloader.dataset.metainfo.classes
    num_classes = len(classes)
    assert model.decode_head.class_tokens.weight.shape == (num_classes, 256)
    assert model.neck.in_channels == list(raw.model.neck.in_channels)


@pytest.mark.parametrize('backbone', sorted(OFFICIAL_PARAMS))
def test_parameter_count_equals_official(backbone):
    model = build_model(
        f'segface/segface_{backbone}_8xb4-300e_celebamask-hq-512x512.py')
    assert sum(p.numel() for p in model.parameters()) == \
        OFFICIAL_PARAMS[backbone]
