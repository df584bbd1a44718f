# Copyright (c) segface-mmseg contributors. All rights reserved.
import numpy as np
import pytest
from mmseg.apis import MMSegInferencer

from segface_mmseg.apis import SegFaceInferencer
from segface_mmseg.checkpoints import CheckpointError
from tests.helpers.photos import face_photo
from tests.helpers.tiny_model import save_checkpoint
from tests.helpers.utils import build_model, load_config


def test_predicts_as_mmseg_inferencer(tiny_config, tiny_checkpoint):
    img = face_photo()
    ours = SegFaceInferencer(
        model=tiny_config, weights=tiny_checkpoint, device='cpu')
    mmseg = MMSegInferencer(
        model=tiny_config, weights=tiny_checkpoint, device='cpu')
    np.testing.assert_array_equal(
        ours(img)['predictions'],
        mmseg(img)['predictions'])
    assert ours.model.dataset_meta == mmseg.model.dataset_meta


def test_refuses_a_checkpoint_of_another_class_list(tiny_config, tmp_path):
    cfg = load_config(tiny_config)
    cfg.model.decode_head.num_classes = 11
    path = save_checkpoint(build_model(cfg), tmp_path / 'lapa.pth')
    # mmseg's own inferencer takes it, with a warning in the log
    MMSegInferencer(model=tiny_config, weights=path, device='cpu')
    with pytest.raises(CheckpointError) as info:
        SegFaceInferencer(model=tiny_config, weights=path, device='cpu')
    assert str(info.value).startswith(path)
    assert 'keys of another shape' in str(info.value)


def test_names_an_unreadable_file(tiny_config, tmp_path):
    path = tmp_path / 'empty.pth'
    path.write_bytes(b'')
    with pytest.raises(CheckpointError, match='empty.pth: cannot be loaded'):
        SegFaceInferencer(model=tiny_config, weights=str(path), device='cpu')
