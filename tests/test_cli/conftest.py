# Copyright (c) segface-mmseg contributors. All rights reserved.
from ..hub_cache import fake_hub  # noqa: F401 (a fixture)
