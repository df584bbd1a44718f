# Copyright (c) segface-mmseg contributors. All rights reserved.
"""tools/train.py and tools/test.py, in process: data and checkpoints they
cannot use end the run with one line naming the file, not a traceback."""
import collections
import os
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from tests.helpers.utils import (build_model, load_script, tiny_runner_config,
                                 write_mmseg_layout)

NOT_A_CHECKPOINT = 'not a PyTorch checkpoint (corrupt or another kind of file)'


class Foreign:
    """A class of the test module: not in torch's allow-list."""


def _config(tmp_path, data_root, **changes):
    cfg = tiny_runner_config(tmp_path / 'work', data_root, max_iters=2)
    cfg.merge_from_dict(changes)
    path = str(tmp_path / 'tiny.py')
    cfg.dump(path)
    return path, cfg


def _main(script, argv, monkeypatch):
    monkeypatch.setattr(sys, 'argv', [script] + argv)
    with pytest.raises(SystemExit) as error:
        load_script('tools', script).main()
    return str(error.value.code)


def test_an_empty_data_folder(tmp_path, monkeypatch):
    empty = tmp_path / 'data'
    empty.mkdir()
    config, cfg = _config(tmp_path, empty)
    message = _main('train.py', [config], monkeypatch)
    assert message.startswith(
        f'error: {empty}/img_dir/train: no such folder of images for '
        'CelebAMaskHQDataset; check data_root and data_prefix')
    checkpoint = str(tmp_path / 'model.pth')
    torch.save(dict(state_dict=build_model(cfg).state_dict()), checkpoint)
    message = _main('test.py', [config, checkpoint], monkeypatch)
    assert message.startswith(f'error: {empty}/img_dir/val: no such folder')


def test_a_training_label_value_beyond_the_classes(tmp_path, monkeypatch):
    data = tmp_path / 'data'
    write_mmseg_layout(data, splits=('train', 'val'))
    for name in ('0.png', '1.png'):
        path = data / 'ann_dir' / 'train' / name
        label = np.array(Image.open(path))
        label[0, 0] = 200
        Image.fromarray(label).save(path)
    config, _ = _config(tmp_path, data)
    message = _main('train.py', [config], monkeypatch)
    assert message.startswith(f'error: {data}/ann_dir/train/')
    assert 'label values [200] are not class ids: the dataset has 19 ' \
           'classes (ids 0-18, 255 ignored)' in message
    assert '\n' not in message


@pytest.mark.parametrize('kind', ['random', 'foreign'])
def test_a_load_from_that_safe_loading_refuses(tmp_path, monkeypatch, kind):
    data = tmp_path / 'data'
    write_mmseg_layout(data, splits=('train', 'val'))
    bad = tmp_path / 'bad.pth'
    if kind == 'random':
        bad.write_bytes(os.urandom(2048))
    else:
        torch.save(
            dict(state_dict=collections.OrderedDict(), extra=Foreign()),
            str(bad))
    config, _ = _config(tmp_path, data, load_from=str(bad))
    message = _main('train.py', [config], monkeypatch)
    assert message.startswith(f'error: load_from: {bad}: cannot be loaded: ')
    if kind == 'random':
        assert message.endswith(NOT_A_CHECKPOINT)
    else:
        assert 'Foreign' in message and 'weights_only=False' in message
    assert not (tmp_path / 'work').exists() or not any(
        name.endswith('.pth') for name in os.listdir(tmp_path / 'work'))
