# Copyright (c) segface-mmseg contributors. All rights reserved.
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class SegFaceDiceLoss(nn.Module):
    """SegFace's soft Dice loss: softmax, batch-global, squared denominator.

    For each class c (background included), with p the softmax probabilities
    and t the one-hot labels, summed over the whole batch and all pixels::

        dice_c = 1 - (2 * sum(p_c t_c) + eps) / (sum(p_c^2) + sum(t_c^2) + eps)

    The loss is the mean of ``dice_c`` over the classes, times
    ``loss_weight``. It is computed in one vectorised pass (no per-class
    Python loop, no host synchronisation). Pixels labelled ``ignore_index``
    are left out of every sum; the official recipe has none.

    Args:
        loss_weight (float): Multiplier of the loss. Default: 1.0.
        eps (float): Smoothing term of numerator and denominator.
            Default: 1e-5.
        ignore_index (int): Label of pixels to leave out. Default: 255.
        loss_name (str): Name of the loss item in the log; must start with
            ``loss_`` to be back-propagated. Default: 'loss_dice'.
    """

    def __init__(self,
                 loss_weight: float = 1.0,
                 eps: float = 1e-5,
                 ignore_index: int = 255,
                 loss_name: str = 'loss_dice') -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.eps = eps
        self.ignore_index = ignore_index
        self._loss_name = loss_name

    def forward(self,
                pred: Tensor,
                target: Tensor,
                weight: Optional[Tensor] = None,
                ignore_index: Optional[int] = None,
                **kwargs) -> Tensor:
        """Compute the loss.

        Args:
            pred (Tensor): Logits, B x N x H x W.
            target (Tensor): Labels in [0, N) or ``ignore_index``, B x H x W.
            weight (Tensor, optional): Per-pixel weights are not supported;
                must be None.
            ignore_index (int, optional): Overrides ``self.ignore_index``.

        Returns:
            Tensor: The scalar loss.
        """
        if weight is not None:
            raise ValueError('SegFaceDiceLoss does not support pixel weights')
        if ignore_index is None:
            ignore_index = self.ignore_index
        num_classes = pred.shape[1]

        # Softmax probabilities in fp32: B x N x H x W
        probs = pred.float().softmax(dim=1)

        # One-hot labels of the valid pixels: B x N x H x W
        valid = target != ignore_index
        one_hot = F.one_hot(torch.where(valid, target, 0).long(), num_classes)
        one_hot = one_hot.permute(0, 3, 1, 2).to(probs.dtype)
        one_hot = one_hot * valid.unsqueeze(1)
        probs = probs * valid.unsqueeze(1)

        # Batch-global sums per class: N
        dims = (0, 2, 3)
        intersect = (probs * one_hot).sum(dims)
        denominator = probs.square().sum(dims) + one_hot.sum(dims)
        dice = 1 - (2 * intersect + self.eps) / (denominator + self.eps)
        return self.loss_weight * dice.mean()

    @property
    def loss_name(self) -> str:
        """Name of the loss item in the log."""
        return self._loss_name
