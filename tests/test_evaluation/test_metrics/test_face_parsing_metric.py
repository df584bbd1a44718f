# Copyright (c) segface-mmseg contributors. All rights reserved.
import math

import numpy as np
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from segface_mmseg.evaluation import FaceParsingMetric

CLASSES = ('background', 'skin', 'l_eye', 'r_eye')


def _sample(label, pred, net_pred=None):
    sample = SegDataSample()
    sample.gt_sem_seg = PixelData(data=torch.tensor(label)[None])
    sample.pred_sem_seg = PixelData(data=torch.tensor(pred)[None])
    sample.net_pred_sem_seg = PixelData(
        data=torch.tensor(pred if net_pred is None else net_pred)[None])
    return sample.to_dict()


def _metric(**kwargs):
    metric = FaceParsingMetric(**kwargs)
    metric.dataset_meta = dict(classes=CLASSES)
    return metric


def test_confusion_matrix_by_hand():
    label = torch.tensor([[0, 1, 1], [2, 255, 3]])
    pred = torch.tensor([[0, 1, 2], [2, 0, 1]])
    cm = FaceParsingMetric.confusion_matrix(label, pred, 4, 255)
    expected = np.zeros((4, 4), dtype=np.int64)
    expected[0, 0] = 1
    expected[1, 1] = 1
    expected[1, 2] = 1
    expected[2, 2] = 1
    expected[3, 1] = 1
    np.testing.assert_array_equal(cm, expected)


def test_scores_summed_over_the_dataset_with_absent_classes():
    # image 1: no r_eye anywhere; image 2: r_eye in the label only
    samples = [
        _sample([[0, 1], [1, 2]], [[0, 1], [2, 2]]),
        _sample([[0, 3], [1, 1]], [[0, 1], [1, 1]]),
    ]
    metric = _metric()
    metric.process({}, samples)
    results = metric.compute_metrics(metric.results)
    # summed confusion: rows label, cols prediction
    # bg: 2 tp; skin: label 4, pred 4, tp 3; l_eye: label 1, pred 2, tp 1;
    # r_eye: label 1, pred 0, tp 0
    f1 = {
        'skin': 2 * 3 / (4 + 4),
        'l_eye': 2 * 1 / (1 + 2),
        'r_eye': 0.0,
    }
    assert results['mF1'] == pytest.approx(
        round(100 * sum(f1.values()) / 3, 2))
    iou = [2 / 2, 3 / 5, 1 / 2, 0 / 1]
    assert results['mIoU'] == pytest.approx(round(100 * sum(iou) / 4, 2))
    assert results['aAcc'] == pytest.approx(round(100 * 6 / 8, 2))
    # identical predictions at both resolutions here
    assert results['mF1_native'] == results['mF1']


def test_class_absent_from_label_and_prediction_is_left_out():
    metric = _metric()
    metric.process({}, [_sample([[0, 1], [1, 1]], [[0, 1], [1, 2]])])
    results = metric.compute_metrics(metric.results)
    # r_eye never appears: F1 NaN, excluded; skin 2*2/(3+2); l_eye 0
    assert results['mF1'] == pytest.approx(round(100 * (0.8 + 0) / 2, 2))
    # mIoU counts it as 0, as the official evaluation does
    assert results['mIoU'] == pytest.approx(
        round(100 * (1 + 2 / 3 + 0 + 0) / 4, 2))


def test_network_resolution_uses_resized_label():
    # native label 4 x 4, network prediction 2 x 2: the label is resized with
    # PIL nearest (it samples the pixels at rows/cols 1 and 3)
    label = [[0, 0, 1, 1], [0, 2, 1, 3], [1, 1, 0, 0], [1, 1, 0, 2]]
    native_pred = label
    net_pred = [[2, 3], [1, 2]]
    metric = _metric()
    metric.process({}, [_sample(label, native_pred, net_pred)])
    results = metric.compute_metrics(metric.results)
    assert results['mF1_native'] == pytest.approx(100.0)
    assert results['aAcc'] == pytest.approx(100.0)


def test_merged_groups():
    metric = _metric(merged_groups=dict(eyes=('l_eye', 'r_eye')))
    metric.process({}, [_sample([[2, 3], [1, 0]], [[3, 2], [1, 0]])])
    results = metric.compute_metrics(metric.results)
    # swapped eyes: per-eye F1 0, merged F1 100
    assert results['F1@eyes'] == pytest.approx(100.0)
    assert results['mF1'] == pytest.approx(round(100 / 3, 2))
    bad = _metric(merged_groups=dict(eyes=('eye', )))
    bad.process({}, [_sample([[0]], [[0]])])
    with pytest.raises(ValueError, match='eye'):
        bad.compute_metrics(bad.results)


def test_clear_errors():
    metric = _metric()
    with pytest.raises(ValueError, match=r'label values must be in \[0, 4\)'):
        metric.process({}, [_sample([[0, 7]], [[0, 1]])])
    sample = _sample([[0]], [[0]])
    del sample['net_pred_sem_seg']
    with pytest.raises(KeyError, match='FaceEncoderDecoder'):
        metric.process({}, [sample])
    assert math.isnan(
        FaceParsingMetric.scores_from_confusion(np.zeros((3, 3)))['mF1'])
