# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Moved to :mod:`segface_mmseg.classes.face_classes`; importable here with a
warning."""
from ..utils.deprecation import deprecated_aliases

# old name -> where it lives now
MOVED = {
    name: f'segface_mmseg.classes.face_classes.{name}'
    for name in ('CELEBAMASK_HQ_CLASSES', 'FACE_PALETTE', 'HELEN_CLASSES',
                 'LAPA_CLASSES', 'ORIGINAL_CELEBAMASK_HQ_CLASSES',
                 'ZLLRUNNING_CELEBAMASK_HQ_CLASSES', 'class_remap',
                 'left_right_pairs', 'palette_of')
}
__getattr__ = deprecated_aliases(__name__, MOVED)
