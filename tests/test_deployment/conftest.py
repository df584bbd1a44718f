# Copyright (c) segface-mmseg contributors. All rights reserved.
import pytest

from ..test_apis.conftest import write_tiny_config


@pytest.fixture(scope='session')
def tiny_config(tmp_path_factory):
    """The 64 x 64 MobileNetV3 config of the inference tests."""
    return write_tiny_config(tmp_path_factory.mktemp('cfg'))
