# Copyright (c) segface-mmseg contributors. All rights reserved.
import numpy as np

from segface_mmseg.apis import FaceDetection
from segface_mmseg.video import FaceTracker, OneEuroFilter, box_iou


def _ids(tracker, boxes):
    return [
        t.track_id
        for t, _ in tracker.update([FaceDetection(b) for b in boxes])
    ]


def test_track_keeps_its_id_through_misses_and_a_new_one_after_absence():
    tracker = FaceTracker(max_misses=2)
    left, right = [10, 10, 50, 50], [100, 10, 140, 50]
    assert _ids(tracker, [left, right]) == [0, 1]
    assert _ids(tracker, [[12, 11, 52, 51], right]) == [0, 1]
    assert _ids(tracker, [right]) == [1]  # left missed once
    assert _ids(tracker, []) == []  # twice
    assert _ids(tracker, [right, [14, 12, 54, 52]]) == [1, 0]  # back: same id
    for _ in range(3):  # three misses: more than max_misses
        _ids(tracker, [right])
    assert _ids(tracker, [right, left]) == [1, 2]  # a new id


def test_one_euro_filter_smooths_jitter_and_follows_motion():
    rng = np.random.default_rng(0)
    rest = OneEuroFilter(rate=30, min_cutoff=1.0, beta=0.01)
    noisy = 100 + rng.normal(0, 2, 60)
    smooth = np.array([rest(np.array([v]))[0] for v in noisy])
    assert smooth[0] == noisy[0]  # the first value passes unchanged
    assert np.std(np.diff(smooth[10:])) < np.std(np.diff(noisy[10:])) / 3
    # a fast ramp (10 units per frame) is followed within a few units
    ramp = OneEuroFilter(rate=30, min_cutoff=1.0, beta=0.01)
    out = [ramp(np.array([10.0 * i]))[0] for i in range(40)]
    assert abs(out[-1] - 390.0) < 25.0


def test_box_iou():
    assert box_iou(np.array([0, 0, 2, 2]), np.array([1, 0, 3, 2])) == 2 / 6
    assert box_iou(np.array([0, 0, 1, 1]), np.array([2, 2, 3, 3])) == 0.0
