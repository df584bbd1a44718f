# Copyright (c) segface-mmseg contributors. All rights reserved.
from ..test_apis.conftest import tiny_config  # noqa: F401 (a fixture)
