# Copyright (c) segface-mmseg contributors. All rights reserved.
"""An offline Hugging Face cache holding a made-up official release, and a
fresh converted-weights cache, for the tests of models by name."""
import os.path as osp

import cv2
import pytest
from huggingface_hub import constants

from ..hub_cache import add_release

RELEASE = 'mobilenet_celeba_512'


@pytest.fixture
def fake_hub(tmp_path, monkeypatch):
    """``(hub_cache, blob)``: the hub in offline mode, serving
    :data:`RELEASE` from a cache in ``tmp_path``; converted weights go to
    ``tmp_path / 'segface'``."""
    hub_cache = str(tmp_path / 'hf' / 'hub')
    blob = add_release(hub_cache, RELEASE)
    monkeypatch.setattr(constants, 'HF_HUB_CACHE', hub_cache)
    monkeypatch.setattr(constants, 'HF_HUB_OFFLINE', True)
    monkeypatch.setenv('SEGFACE_CACHE', str(tmp_path / 'segface'))
    return hub_cache, blob


@pytest.fixture
def face_image(tmp_path):
    from ..test_apis.conftest import face_photo
    path = str(tmp_path / 'face.jpg')
    cv2.imwrite(path, cv2.resize(face_photo(), (96, 120)))
    return path


def snapshot_file(hub_cache, release=RELEASE):
    """The official file as the hub cache shows it (a symlink)."""
    from ..hub_cache import COMMIT, repo_folder
    return osp.join(
        repo_folder(hub_cache), 'snapshots', COMMIT, release, 'model_299.pt')
