# Copyright (c) segface-mmseg contributors. All rights reserved.
from .reference import (reference_dice_loss, reference_forward, reference_head,
                        reference_loss, reference_neck)

__all__ = [
    'reference_dice_loss', 'reference_forward', 'reference_head',
    'reference_loss', 'reference_neck'
]
