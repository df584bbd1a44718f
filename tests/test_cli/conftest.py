# Copyright (c) segface-mmseg contributors. All rights reserved.
from ..hub_cache import fake_hub  # noqa: F401 (a fixture)
from ..test_apis.conftest import tiny_checkpoint  # noqa: F401
from ..test_apis.conftest import tiny_config  # noqa: F401
from ..test_apis.conftest import tiny_model  # noqa: F401
