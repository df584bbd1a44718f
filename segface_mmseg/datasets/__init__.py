# Copyright (c) segface-mmseg contributors. All rights reserved.
from .celebamask_hq import CelebAMaskHQDataset
from .face_classes import (CELEBAMASK_HQ_CLASSES, FACE_PALETTE, LAPA_CLASSES,
                           left_right_pairs, palette_of)

__all__ = [
    'CelebAMaskHQDataset', 'CELEBAMASK_HQ_CLASSES', 'FACE_PALETTE',
    'LAPA_CLASSES', 'left_right_pairs', 'palette_of'
]
