# Copyright (c) segface-mmseg contributors. All rights reserved.
"""network_input_size: the network input of every config, whichever resize
transform its test pipeline uses."""
import copy
import os.path as osp
import re

import pytest
from mmengine.config import Config

from segface_mmseg.apis import network_input_size
from tests.helpers.utils import CONFIG_DIR, all_config_paths

LAPA = osp.join(CONFIG_DIR, 'segface',
                'segface_swin-b_8xb4-300e_lapa-448x448.py')


def test_all_configs_are_found():
    assert len(all_config_paths()) >= 19


@pytest.mark.parametrize(
    'path', all_config_paths(), ids=lambda p: osp.relpath(p, CONFIG_DIR))
def test_every_config_gives_its_network_size(path):
    cfg = Config.fromfile(path)
    size = network_input_size(cfg)
    # an independent route: the preprocessor's padding size, and the
    # H x W at the end of the file name (mmseg's naming) where there is one
    assert size == tuple(cfg.model.data_preprocessor.size)
    named = re.search(r'-(\d+)x(\d+)(_\w+)?\.py$', path)
    if named:
        assert size == (int(named[1]), int(named[2]))


def _resize_of(cfg):
    (resize, ) = [
        t for t in cfg.test_dataloader.dataset.pipeline
        if t['type'].startswith('Resize')
    ]
    return resize


def test_landmark_resize_of_lapa_and_helen_is_read():
    """The LaPa/Helen pipelines resize with ResizeWithLandmarks: its scale
    (w, h) is the size, without data_preprocessor.size to fall back on."""
    cfg = Config.fromfile(LAPA)
    resize = _resize_of(cfg)
    assert resize['type'] == 'ResizeWithLandmarks'
    resize['scale'] = (320, 192)  # w, h
    cfg.model.data_preprocessor.pop('size')
    assert network_input_size(cfg) == (192, 320)


def test_preprocessor_size_alone_and_keep_ratio_resizes():
    cfg = Config.fromfile(LAPA)
    _resize_of(cfg)['keep_ratio'] = True  # not a fixed size
    cfg.model.data_preprocessor.size = (96, 128)
    assert network_input_size(cfg) == (96, 128)


def test_disagreeing_or_missing_sizes_are_errors():
    cfg = Config.fromfile(LAPA)
    other = copy.deepcopy(cfg)
    other.model.data_preprocessor.size = (512, 512)
    with pytest.raises(ValueError, match='448x448.*512x512'):
        network_input_size(other)
    none = copy.deepcopy(cfg)
    none.model.data_preprocessor.pop('size')
    _resize_of(none)['keep_ratio'] = True
    with pytest.raises(ValueError, match='cannot tell'):
        network_input_size(none)
