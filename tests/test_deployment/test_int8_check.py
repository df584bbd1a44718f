# Copyright (c) segface-mmseg contributors. All rights reserved.
"""int8 vs fp32 label comparison, on label maps counted by hand."""
import numpy as np

from segface_mmseg.deployment import (Int8Tolerance, compare_labels,
                                      tolerance_failures)

CLASSES = ('background', 'skin', 'hat')


def test_agreement_and_f1_against_fp32():
    fp32 = [np.array([[0, 1], [1, 2]])]
    int8 = [np.array([[0, 1], [2, 2]])]
    report = compare_labels(fp32, int8, CLASSES)
    assert report['agreement'] == 0.75
    assert report['reference'] == 'fp32'
    rows = {row['name']: row for row in report['classes']}
    # skin: 1 of fp32's 2 pixels, 1 predicted: F1 = 2 * 1 / (1 + 2)
    assert rows['skin']['fp32_f1'] == 100
    assert np.isclose(rows['skin']['int8_f1'], 200 / 3)
    # hat: 1 true of 2 predicted, 1 in the reference
    assert np.isclose(rows['hat']['int8_f1'], 200 / 3)
    assert rows['hat']['pixels'] == 1
    # the mean leaves out background
    assert np.isclose(report['mean_int8_f1'], 200 / 3)
    failures = tolerance_failures(
        report, Int8Tolerance(0.7, 50.0, 30.0, min_class_pixels=2))
    assert failures == ['skin F1 drops 33.33 points (> 30.0)']
    failures = tolerance_failures(report, Int8Tolerance(0.8, 10.0, 40.0, 0))
    assert len(failures) == 2 and 'pixels agree' in failures[0]


def test_f1_against_labels_skips_ignored_pixels():
    ref = [np.array([[0, 1], [255, 2]])]
    fp32 = [np.array([[0, 1], [1, 1]])]
    int8 = [np.array([[0, 1], [2, 2]])]
    report = compare_labels(fp32, int8, CLASSES, ref)
    rows = {row['name']: row for row in report['classes']}
    assert report['reference'] == 'labels'
    assert report['agreement'] == 0.5  # all pixels, ignored ones too
    assert np.isclose(rows['skin']['fp32_f1'], 200 / 3)  # tp 1, 2 + 1
    assert rows['hat']['fp32_f1'] == 0 and rows['hat']['int8_f1'] == 100
