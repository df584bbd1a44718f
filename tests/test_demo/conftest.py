# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Fixtures of the demo tests: the inference tests' small model."""
from ..test_apis import conftest as _apis

tiny_config = _apis.tiny_config
tiny_model = _apis.tiny_model
tiny_checkpoint = _apis.tiny_checkpoint
