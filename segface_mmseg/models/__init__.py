# Copyright (c) segface-mmseg contributors. All rights reserved.
from . import backbones, decode_heads, losses, necks, segmentors, utils
from .backbones import *  # noqa: F401,F403
from .decode_heads import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .necks import *  # noqa: F401,F403
from .segmentors import *  # noqa: F401,F403
from .utils import *  # noqa: F401,F403

__all__ = (
    backbones.__all__ + decode_heads.__all__ + losses.__all__ + necks.__all__ +
    segmentors.__all__ + utils.__all__)
