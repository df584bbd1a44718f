# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The small model and checkpoint of the inference tests."""
from ..test_apis.conftest import tiny_checkpoint  # noqa: F401
from ..test_apis.conftest import tiny_config  # noqa: F401
from ..test_apis.conftest import tiny_model  # noqa: F401
