# Copyright (c) segface-mmseg contributors. All rights reserved.
from ..hub_cache import fake_hub  # noqa: F401 (a fixture)
from ..test_apis import conftest as _apis

tiny_config = _apis.tiny_config
tiny_model = _apis.tiny_model
tiny_checkpoint = _apis.tiny_checkpoint
