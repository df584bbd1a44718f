# Copyright (c) segface-mmseg contributors. All rights reserved.
from .reference import reference_dice_loss, reference_head, reference_neck

__all__ = ['reference_dice_loss', 'reference_head', 'reference_neck']
