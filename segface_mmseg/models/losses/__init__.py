# Copyright (c) segface-mmseg contributors. All rights reserved.
from .segface_dice_loss import SegFaceDiceLoss

__all__ = ['SegFaceDiceLoss']
