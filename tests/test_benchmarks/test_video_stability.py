# Copyright (c) segface-mmseg contributors. All rights reserved.
from benchmarks.video_stability import make_video, mean_f1, moved_back


def test_synthetic_video_ground_truth_follows_the_known_motion():
    video = make_video(0, 2, 1.0, 4, 75, False, False, frames=3)
    frame, labels, owners, boxes = video[1]
    assert frame.shape == (256, 512, 3) and labels.shape == (256, 512)
    assert len(boxes) == 2 and mean_f1(labels, labels, 19) == 100.0
    previous = video[0][1]
    moved = moved_back(previous, video[0][2], owners)
    # the previous labels moved by the known motion land on the current
    # ones (up to nearest-neighbour rounding), unmoved ones do not
    assert (moved == labels).mean() > 0.97
    assert (previous == labels).mean() < (moved == labels).mean() - 0.02
