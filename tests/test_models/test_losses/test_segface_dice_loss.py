# Copyright (c) segface-mmseg contributors. All rights reserved.
import math

import pytest
import torch

from benchmarks.reference import reference_dice_loss
from segface_mmseg.models import SegFaceDiceLoss


def test_hand_computed_two_pixel_case():
    # two classes, two pixels with logits giving softmax (0.5, 0.5) and
    # (e/(1+e), 1/(1+e)); labels 0 and 1
    logits = torch.tensor([[[[0.0, 1.0]], [[0.0, 0.0]]]])  # 1 x 2 x 1 x 2
    labels = torch.tensor([[[0, 1]]])
    p = math.e / (1 + math.e)
    probs = [[0.5, p], [0.5, 1 - p]]  # class x pixel
    eps = 1e-5
    expected = 0.0
    for c in range(2):
        intersect = probs[c][c]
        denom = sum(v * v for v in probs[c]) + 1
        expected += 1 - (2 * intersect + eps) / (denom + eps)
    expected /= 2
    loss = SegFaceDiceLoss(loss_weight=1.0)(logits, labels)
    assert loss.item() == pytest.approx(expected, abs=1e-6)


def test_matches_official_loop_and_weight():
    logits = torch.randn(3, 19, 16, 12)
    labels = torch.randint(0, 19, (3, 16, 12))
    loss = SegFaceDiceLoss(loss_weight=0.5)(logits, labels)
    expected = 0.5 * reference_dice_loss(logits, labels)
    assert loss.item() == pytest.approx(expected.item(), abs=1e-6)


def test_ignored_pixels_are_left_out():
    logits = torch.randn(2, 4, 8, 8)
    labels = torch.randint(0, 4, (2, 8, 8))
    labels_ignored = labels.clone()
    labels_ignored[:, :, 4:] = 255
    loss = SegFaceDiceLoss()(logits, labels_ignored)
    expected = reference_dice_loss(logits[..., :4], labels[..., :4])
    assert loss.item() == pytest.approx(expected.item(), abs=1e-6)


def test_gradient_and_name():
    logits = torch.randn(1, 3, 4, 4, requires_grad=True)
    loss_fn = SegFaceDiceLoss(loss_name='loss_segface_dice')
    loss_fn(logits, torch.randint(0, 3, (1, 4, 4))).backward()
    assert logits.grad.abs().sum() > 0
    assert loss_fn.loss_name == 'loss_segface_dice'
    with pytest.raises(ValueError, match='pixel weights'):
        loss_fn(
            logits,
            torch.zeros(1, 4, 4, dtype=torch.long),
            weight=torch.ones(1, 4, 4))
