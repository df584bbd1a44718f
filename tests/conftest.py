# Copyright (c) segface-mmseg contributors. All rights reserved.
import os.path as osp

import pytest
import torch

import segface_mmseg  # noqa: F401  (registers the plugin)

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG_DIR = osp.join(REPO_ROOT, 'configs')


@pytest.fixture(autouse=True)
def _seed_and_threads():
    torch.manual_seed(0)
    yield
