# Copyright (c) segface-mmseg contributors. All rights reserved.
"""SegFace face parsing as an MMSegmentation 1.x plugin.

Importing the package registers its models (and, with them, its datasets,
transforms and metrics) in MMSegmentation's registries. Configs do this with
``custom_imports = dict(imports=['segface_mmseg'])``.
"""
from .datasets import *  # noqa: F401,F403
from .engine import *  # noqa: F401,F403
from .evaluation import *  # noqa: F401,F403
from .models import *  # noqa: F401,F403
from .version import __version__

__all__ = ['__version__']
