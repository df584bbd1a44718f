# Copyright (c) segface-mmseg contributors. All rights reserved.
from .class_weighted_cross_entropy_loss import ClassWeightedCrossEntropyLoss
from .segface_dice_loss import SegFaceDiceLoss

__all__ = ['ClassWeightedCrossEntropyLoss', 'SegFaceDiceLoss']
