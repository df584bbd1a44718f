# Copyright (c) segface-mmseg contributors. All rights reserved.
"""A small exported model (fp32)."""
import pytest

from tests.helpers.onnx_files import export_tiny


@pytest.fixture(scope='session')
def exported_tiny(tiny_config, tmp_path_factory):
    return export_tiny(tiny_config, tmp_path_factory.mktemp('onnx'))
