# Copyright (c) segface-mmseg contributors. All rights reserved.
"""VideoFaceParser on the small model, over in-memory frames."""
import itertools
import tracemalloc

import numpy as np
import pytest

from segface_mmseg.apis import FaceDetection, FaceParser
from segface_mmseg.video import VideoFaceParser
from tests.helpers.photos import face_photo


def _frame(seed=0, h=72, w=96):
    import cv2
    return cv2.resize(np.roll(face_photo(), 40 * seed, axis=1), (w, h))


def _detector(schedule):
    """A detector answering frame i with ``schedule[i]`` boxes."""
    calls = itertools.count()

    def detect(image):
        return [FaceDetection(b, 0.9) for b in schedule[next(calls)]]

    return detect


@pytest.mark.parametrize('warp', ['none', 'transform', 'flow'])
@pytest.mark.parametrize('in_the_wild', [False, True])
def test_a_static_video_gives_the_same_labels_in_every_frame(
        tiny_config, tiny_checkpoint, warp, in_the_wild):
    detector = _detector([[[20, 10, 70, 60]]] * 5) if in_the_wild else None
    parser = FaceParser(
        tiny_config, tiny_checkpoint, detector=detector, crop_mode='box')
    frame = _frame()
    results = list(VideoFaceParser(parser, warp=warp)([frame] * 5))
    assert [r.index for r in results] == list(range(5))
    first = results[0].result.labels
    assert first.shape == frame.shape[:2] and len(np.unique(first)) > 1
    for r in results[1:]:
        np.testing.assert_array_equal(r.result.labels, first)


@pytest.mark.parametrize('in_the_wild', [False, True])
def test_after_a_scene_cut_the_first_frame_is_parsed_on_its_own(
        tiny_config, tiny_checkpoint, in_the_wild):
    rng = np.random.default_rng(0)
    before = [_frame(0), _frame(0), _frame(0)]
    after = rng.integers(0, 256, before[0].shape, np.uint8)  # another shot
    boxes = [[[20, 10, 70, 60]]] * 3 + [[[30, 12, 80, 62]]]
    detector = _detector(boxes + boxes[3:]) if in_the_wild else None
    parser = FaceParser(
        tiny_config, tiny_checkpoint, detector=detector, crop_mode='box')
    results = list(VideoFaceParser(parser)(before + [after], probs=True))
    expected = parser.predict(after, probs=True)
    assert [r.scene_cut for r in results] == [True, False, False, True]
    np.testing.assert_array_equal(results[3].result.labels, expected.labels)
    np.testing.assert_allclose(
        results[3].result.probs, expected.probs, atol=1e-5)
    if in_the_wild:
        assert results[3].track_ids == [1]  # a new shot, a new track


def test_a_track_keeps_its_id_through_a_miss_and_not_a_long_absence(
        tiny_config, tiny_checkpoint):
    box = [[20, 10, 70, 60]]
    schedule = [box, box, [], box, [], [], [], box]
    parser = FaceParser(
        tiny_config,
        tiny_checkpoint,
        detector=_detector(schedule),
        crop_mode='box')
    video = VideoFaceParser(parser, tracker=dict(max_misses=2))
    results = list(video([_frame()] * len(schedule)))
    assert [r.track_ids for r in results] == [[0], [0], [], [0], [], [], [],
                                              [1]]
    records = results[3].face_records()
    assert records[0]['frame'] == 3 and records[0]['track_id'] == 0
    assert (results[2].result.labels == 0).all()  # no face: background


def test_memory_does_not_grow_with_the_number_of_frames(
        tiny_config, tiny_checkpoint):
    read = []

    def frames():  # an endless camera
        for i in itertools.count():
            read.append(i)
            yield _frame(i % 3, 64, 64)

    parser = FaceParser(
        tiny_config,
        tiny_checkpoint,
        detector=lambda img: [FaceDetection([8, 8, 56, 56])],
        crop_mode='box')
    stream = VideoFaceParser(parser)(frames(), probs=True)
    next(stream)
    assert len(read) == 1  # frames are read one at a time
    for _ in range(10):
        next(stream)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(40):  # 40 frames of probabilities: 12 MB if kept
            next(stream)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 1_000_000
