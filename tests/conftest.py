# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Fixtures shared by the test packages: the seed, a small model with its
config file and checkpoint, and an offline hub cache."""
import os

import pytest
import torch

import segface_mmseg  # noqa: F401  (registers the plugin)
from tests.helpers.hub_cache import RELEASE, add_release
from tests.helpers.tiny_model import save_checkpoint, write_tiny_config
from tests.helpers.utils import build_model


def pytest_configure(config):
    """Under pytest-xdist, share the cores between the workers instead of
    every worker's torch using all of them."""
    workers = os.environ.get('PYTEST_XDIST_WORKER_COUNT')
    if workers:
        cores = len(os.sched_getaffinity(0))
        torch.set_num_threads(max(1, cores // int(workers)))


@pytest.fixture(autouse=True)
def _seed_and_threads():
    torch.manual_seed(0)
    yield


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


@pytest.fixture
def fake_hub(tmp_path, monkeypatch):
    """``(hub_cache, blob)``: the hub in offline mode, serving a made-up
    ``mobilenet_celeba_512`` from a cache in ``tmp_path``; converted
    weights go to ``tmp_path / 'segface'``."""
    from huggingface_hub import constants
    hub_cache = str(tmp_path / 'hf' / 'hub')
    blob = add_release(hub_cache, RELEASE)
    monkeypatch.setattr(constants, 'HF_HUB_CACHE', hub_cache)
    monkeypatch.setattr(constants, 'HF_HUB_OFFLINE', True)
    monkeypatch.setenv('SEGFACE_CACHE', str(tmp_path / 'segface'))
    return hub_cache, blob
