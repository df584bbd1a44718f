# Copyright (c) segface-mmseg contributors. All rights reserved.
"""SegFace face parsing as an MMSegmentation 1.x plugin.

Importing the package registers its models (and, with them, its datasets,
transforms and metrics) in MMSegmentation's registries. Configs do this with
``custom_imports = dict(imports=['segface_mmseg'])``. Released models by
name: :func:`get_config`, :meth:`segface_mmseg.apis.FaceParser.from_pretrained`
and the ``segface`` command.
"""
from .datasets import *  # noqa: F401,F403
from .engine import *  # noqa: F401,F403
from .evaluation import *  # noqa: F401,F403
from .models import *  # noqa: F401,F403
from .version import __version__
from .zoo import get_config

__all__ = ['__version__', 'get_config']
