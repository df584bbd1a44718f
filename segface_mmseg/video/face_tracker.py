# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Faces tracked from frame to frame, with steadied boxes and landmarks."""
from dataclasses import dataclass, field
from typing import Any, List, Optional, Tuple

import numpy as np

from ..apis import FaceDetection
from .one_euro_filter import OneEuroFilter


def box_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two ``x1, y1, x2, y2`` boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(w, 0.0) * max(h, 0.0)
    union = ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) -
             inter)
    return inter / union if union > 0 else 0.0


@dataclass
class FaceTrack:
    """One face followed over frames.

    Attributes:
        track_id (int): Stable id, from 0 in order of appearance.
        detection (FaceDetection): The last detection, with its box and
            landmarks filtered over time.
        misses (int): Frames since the face was last detected.
        state (Any): What the temporal filter keeps for this face (its
            last crop's probabilities and matrix); None at the start.
    """
    track_id: int
    detection: FaceDetection
    filter: OneEuroFilter
    misses: int = 0
    state: Any = field(default=None, repr=False)


class FaceTracker:
    """Associates each frame's detections with the faces of earlier frames.

    Detections are matched to tracks greedily by box overlap (best pairs
    first, IoU >= ``min_iou``); an unmatched detection starts a new track;
    a track that is not detected survives ``max_misses`` frames (keeping
    its id and state) and ends after that, so a face that comes back later
    gets a new id. Each matched track's box and landmarks pass through a
    One-Euro filter, its speed measured in face sizes per second.

    Args:
        rate (float): Frames per second. Default: 30.
        min_iou (float): Least overlap to continue a track. Default: 0.3.
        max_misses (int): Frames a track survives undetected. Default: 5.
        min_cutoff (float): One-Euro cutoff at rest (Hz). Default: 1.0.
        beta (float): One-Euro speed coefficient (per face size per
            second). Default: 2.0.
    """

    def __init__(self,
                 rate: float = 30.0,
                 min_iou: float = 0.3,
                 max_misses: int = 5,
                 min_cutoff: float = 1.0,
                 beta: float = 2.0) -> None:
        self.rate = rate
        self.min_iou = min_iou
        self.max_misses = max_misses
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.tracks: List[FaceTrack] = []
        self.next_id = 0

    def reset(self) -> None:
        """End every track (a scene cut); ids keep counting up."""
        self.tracks = []

    def update(
        self, detections: List[FaceDetection]
    ) -> List[Tuple[FaceTrack, FaceDetection]]:
        """Match one frame's detections.

        Returns:
            list[tuple]: ``(track, detection)`` per detection, in the
            detections' order, the track's ``detection`` already filtered;
            ``detection`` is the raw one.
        """
        # 1. greedy matching by IoU
        pairs = sorted(((box_iou(t.detection.box, d.box), ti, di)
                        for ti, t in enumerate(self.tracks)
                        for di, d in enumerate(detections)),
                       reverse=True)
        track_of, used = {}, set()
        for iou, ti, di in pairs:
            if iou < self.min_iou:
                break
            if di not in track_of and ti not in used:
                track_of[di] = self.tracks[ti]
                used.add(ti)
        # 2. unmatched tracks age and end; unmatched detections start one
        for ti, track in enumerate(self.tracks):
            if ti not in used:
                track.misses += 1
        self.tracks = [t for t in self.tracks if t.misses <= self.max_misses]
        matched = []
        for di, det in enumerate(detections):
            track = track_of.get(di)
            if track is None:
                track = FaceTrack(
                    self.next_id, det,
                    OneEuroFilter(self.rate, self.min_cutoff, self.beta))
                self.next_id += 1
                self.tracks.append(track)
            track.misses = 0
            track.detection = self._filtered(track.filter, det)
            matched.append((track, det))
        return matched

    @staticmethod
    def _filtered(one_euro: OneEuroFilter,
                  det: FaceDetection) -> FaceDetection:
        """The detection with its box and landmarks filtered together."""
        box = np.asarray(det.box, dtype=np.float64)
        size = max(box[2] - box[0], box[3] - box[1], 1.0)
        values = box if det.landmarks is None else np.concatenate(
            [box, np.asarray(det.landmarks, np.float64).ravel()])
        smooth = one_euro(values, scale=size)
        landmarks: Optional[np.ndarray] = None
        if det.landmarks is not None:
            landmarks = smooth[4:].reshape(-1, 2)
        return FaceDetection(smooth[:4], det.score, landmarks)
