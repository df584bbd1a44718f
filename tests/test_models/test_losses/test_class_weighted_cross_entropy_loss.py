# Copyright (c) segface-mmseg contributors. All rights reserved.
import pytest
import torch
import torch.nn.functional as F
from mmseg.models.losses import CrossEntropyLoss

from segface_mmseg.models import ClassWeightedCrossEntropyLoss

CLASS_WEIGHT = [1.0, 3.0, 10.0, 0.5]


def _batch(ignore=True, seed=0):
    gen = torch.Generator().manual_seed(seed)
    logits = torch.randn(2, 4, 6, 5, generator=gen)
    labels = torch.randint(0, 4, (2, 6, 5), generator=gen)
    if ignore:
        labels[0, :2] = 255  # padding, or ignored pixels from a converter
    return logits, labels


def test_ignored_pixels_leave_the_weighted_mean():
    logits, labels = _batch()
    loss = ClassWeightedCrossEntropyLoss(
        class_weight=CLASS_WEIGHT, loss_weight=0.5, avg_non_ignore=True)
    expected = 0.5 * F.cross_entropy(
        logits,
        labels,
        weight=torch.tensor(CLASS_WEIGHT),
        ignore_index=255,
        reduction='mean')
    torch.testing.assert_close(
        loss(logits, labels, ignore_index=255), expected)
    # the same, by hand
    valid = labels != 255
    w = torch.tensor(CLASS_WEIGHT)[labels[valid]]
    ce = -logits.log_softmax(1).permute(0, 2, 3, 1)[valid].gather(
        1, labels[valid][:, None])[:, 0]
    torch.testing.assert_close(
        loss(logits, labels, ignore_index=255), 0.5 * (w * ce).sum() / w.sum())
    # mmseg's loss fails on these labels
    with pytest.raises(IndexError):
        CrossEntropyLoss(
            class_weight=CLASS_WEIGHT, avg_non_ignore=True)(
                logits, labels, ignore_index=255)


def test_equals_mmseg_without_ignored_pixels():
    logits, labels = _batch(ignore=False)
    for avg_non_ignore in (True, False):
        ours = ClassWeightedCrossEntropyLoss(
            class_weight=CLASS_WEIGHT, avg_non_ignore=avg_non_ignore)
        mmseg = CrossEntropyLoss(
            class_weight=CLASS_WEIGHT, avg_non_ignore=avg_non_ignore)
        torch.testing.assert_close(
            ours(logits, labels, ignore_index=255),
            mmseg(logits, labels, ignore_index=255))


def test_needs_class_weights():
    with pytest.raises(ValueError, match='needs class_weight'):
        ClassWeightedCrossEntropyLoss()


def test_demo_config_trains_on_labels_with_ignored_pixels():
    from tests.helpers.utils import build_model, demo_batch, load_config
    cfg = load_config(
        'demo/segface_mobilenetv3-l_1xb8-1k_synthetic-faces-128x128.py')
    cfg.model.data_preprocessor.size = (64, 64)
    model = build_model(cfg).train()
    batch = demo_batch(2, 64, 64, 19)
    batch['data_samples'][0].gt_sem_seg.data[:, :8] = 255
    losses = model(**model.data_preprocessor(batch, True), mode='loss')
    total = sum(v for k, v in losses.items() if k.startswith('decode.loss'))
    assert torch.isfinite(total)
    total.backward()
