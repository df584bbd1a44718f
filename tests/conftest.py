# Copyright (c) segface-mmseg contributors. All rights reserved.
import pytest
import torch

import segface_mmseg  # noqa: F401  (registers the plugin)


@pytest.fixture(autouse=True)
def _seed_and_threads():
    torch.manual_seed(0)
    yield
