# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Streaming face parsing of videos, steady from frame to frame."""
import itertools
from dataclasses import dataclass, field
from typing import Iterator, List, Optional

import cv2
import numpy as np
import torch

from ..apis import FaceParser, ParsingResult
from ..apis.face_cropper import FaceCrop
from ..apis.parsing_result import FaceRecord
from .face_tracker import FaceTracker
from .frame_source import FrameSource, VideoFrames
from .scene_cut import SceneCutDetector
from .temporal_filter import (WARPS, ProbabilityFilter, warp_affine,
                              warp_by_flow)


@dataclass
class VideoFrameResult:
    """The parsing of one frame.

    Attributes:
        index (int): Frame index, from 0.
        image (np.ndarray): The ``H x W x 3`` BGR frame.
        result (ParsingResult): Labels, probabilities when asked for, and
            in the wild one record per face.
        track_ids (list[int]): The track id of each of ``result.faces``.
        scene_cut (bool): Whether this frame starts a new scene (the
            first frame does); the filters start afresh there.
    """
    index: int
    image: np.ndarray
    result: ParsingResult
    track_ids: List[int] = field(default_factory=list)
    scene_cut: bool = False

    def face_records(self) -> List[dict]:
        """One JSON-ready dict per face: frame, track id, box, score,
        landmarks, crop matrix."""
        return [
            dict(frame=self.index, track_id=tid, **face.to_dict())
            for tid, face in zip(self.track_ids, self.result.faces)
        ]


class VideoFaceParser:
    """Parses the frames of a video one by one, with memory constant in its
    length, and (``temporal``) keeps the masks steady over time.

    In the wild (a parser with a detector), faces are tracked with stable
    ids (:class:`FaceTracker`), their boxes and landmarks One-Euro
    filtered so the crops do not jitter, and each face's probabilities are
    filtered in its own crop frame before they are pasted back. Without a
    detector the whole frame's probabilities are filtered. The filter
    (:class:`ProbabilityFilter`) starts afresh at each scene cut and each
    new track; labels are the argmax of the filtered probabilities.

    Example:
        >>> video = VideoFaceParser(FaceParser(cfg, ckpt, detector='mtcnn'))
        >>> for frame in video('clip.mp4'):
        ...     frame.result.labels        # H x W uint8 class ids

    Args:
        parser (FaceParser): The image parser.
        temporal (bool): Filter over time; False parses each frame on its
            own, as :meth:`FaceParser.predict` does (faces are still
            tracked, for their ids). Default: True.
        warp (str): How the previous probabilities are moved onto the
            current frame before they are mixed in: ``'flow'`` (dense
            optical flow, in the image or in each face's crop),
            ``'transform'`` (in the wild: by the crop-to-crop affine map;
            whole frames are not moved) or ``'none'``. Default: 'flow'
            (chosen on ``benchmarks/video_stability.py``, docs/inference.md).
        strength (float): See :class:`ProbabilityFilter`. Default: 0.95.
        min_weight (float): See :class:`ProbabilityFilter`. Default: 0.5.
        scene_cut_threshold (float): See :class:`SceneCutDetector`.
            Default: 30.
        tracker (dict, optional): :class:`FaceTracker` arguments.
    """

    def __init__(self,
                 parser: FaceParser,
                 temporal: bool = True,
                 warp: str = 'flow',
                 strength: float = 0.95,
                 min_weight: float = 0.5,
                 scene_cut_threshold: float = 30.0,
                 tracker: Optional[dict] = None) -> None:
        if warp not in WARPS:
            raise ValueError(f'warp must be one of {WARPS}, got {warp!r}')
        self.parser = parser
        self.temporal = temporal
        self.warp = warp
        self.filter = ProbabilityFilter(strength, min_weight)
        self.scene_cut_threshold = scene_cut_threshold
        self.tracker_args = tracker or {}

    def __call__(self,
                 source: FrameSource,
                 probs: bool = False) -> Iterator[VideoFrameResult]:
        """Parse the frames of ``source`` (a video file, an OpenCV capture
        or any iterable of BGR frames) lazily, one result per frame.

        All state lives in the generator: two calls never share it.
        """
        frames = source if isinstance(source,
                                      VideoFrames) else VideoFrames(source)
        tracker = FaceTracker(frames.rate, **self.tracker_args)
        scene = SceneCutDetector(self.scene_cut_threshold)
        if not self.temporal:
            yield from self._per_frame(iter(frames), tracker, scene, probs)
            return
        whole = {}  # the whole-frame filter's state
        for index, frame in enumerate(frames):
            cut = scene(frame)
            if cut:
                tracker.reset()
                whole.clear()
            if self.parser.detector is None:
                result, ids = self._filter_whole(frame, whole, probs), []
            else:
                result, ids = self._filter_faces(frame, tracker, whole, probs)
            yield VideoFrameResult(index, frame, result, ids, cut)

    # -- per frame ----------------------------------------------------------
    def _per_frame(self, frames, tracker, scene, probs):
        """Batches of ``batch_size`` frames through ``parser.predict``."""
        index = 0
        while True:
            batch = list(itertools.islice(frames, self.parser.batch_size))
            if not batch:
                return
            for frame, result in zip(batch,
                                     self.parser.predict(batch, probs=probs)):
                cut = scene(frame)
                if cut:
                    tracker.reset()
                matched = tracker.update([f.detection for f in result.faces])
                ids = [track.track_id for track, _ in matched]
                yield VideoFrameResult(index, frame, result, ids, cut)
                index += 1

    # -- temporal -----------------------------------------------------------
    def _filter_whole(self, frame, state: dict, probs: bool, landmarks=None):
        """The whole frame's probabilities, filtered in the image frame."""
        parser = self.parser
        identity = np.eye(2, 3)
        whole = FaceCrop(
            frame, identity,
            None if landmarks is None else parser.cropper.network_landmarks(
                landmarks, identity, frame.shape[:2]))
        current, = parser.parse_crops([whole])
        grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        smooth = self._mix(
            state.get('probs'), state.get('grey'), _hwc(current), grey, None)
        state.update(probs=smooth, grey=grey)
        labels = smooth.argmax(axis=-1).astype(np.uint8)
        return ParsingResult(
            labels,
            smooth.transpose(2, 0, 1).copy() if probs else None)

    def _filter_faces(self, frame, tracker, whole, probs):
        """Track, cut steady crops, filter each face in its crop, paste."""
        parser = self.parser
        detections = parser.detect(frame)
        if parser.crop_mode == 'none' or (not detections
                                          and parser.if_no_face == 'whole'):
            landmarks = next(
                (d.landmarks for d in detections if d.landmarks is not None),
                None)
            result = self._filter_whole(frame, whole, probs, landmarks)
            matched = tracker.update(detections)
            result.faces = [FaceRecord(d) for d in detections]
            return result, [t.track_id for t, _ in matched]
        matched = tracker.update(detections)
        # 1. one crop per track, from its filtered box and landmarks
        crops = [
            parser.crop_face(frame, track.detection) for track, _ in matched
        ]
        # 2. parse the crops; 3. filter each in its crop frame and paste
        paster = parser.paster(frame.shape[:2], probs)
        predicted = parser.parse_crops(crops)
        for (track, _), crop, current in zip(matched, crops, predicted):
            matrix = crop.matrix
            grey = cv2.cvtColor(crop.image, cv2.COLOR_BGR2GRAY)
            previous = track.state or {}
            moved = None
            if previous:
                moved = _compose(previous['matrix'],
                                 cv2.invertAffineTransform(matrix))
            smooth = self._mix(
                previous.get('probs'), previous.get('grey'), _hwc(current),
                grey, moved)
            track.state = dict(probs=smooth, grey=grey, matrix=matrix)
            paster.paste(track.detection, matrix,
                         torch.from_numpy(smooth).permute(2, 0, 1))
        return paster.result(), [track.track_id for track, _ in matched]

    def _mix(self, previous, previous_grey, current, grey, crop_to_crop):
        """Move ``previous`` onto the current frame and filter.

        ``crop_to_crop`` maps current crop pixels to previous crop pixels
        (None for whole frames, which do not move).
        """
        if previous is None:
            return current
        size = current.shape[:2]
        if self.warp == 'flow':
            if previous.shape[:2] != size:
                previous = _resize(previous, size)
                previous_grey = cv2.resize(previous_grey, size[::-1])
            previous = warp_by_flow(previous, previous_grey, grey)
        elif self.warp == 'transform' and crop_to_crop is not None:
            previous = warp_affine(previous, crop_to_crop, size)
        elif previous.shape[:2] != size:
            previous = _resize(previous, size)
        return self.filter(previous, current)


def _hwc(probs: torch.Tensor) -> np.ndarray:
    """``C x H x W`` tensor as an ``H x W x C`` contiguous float32 array."""
    return np.ascontiguousarray(probs.float().permute(1, 2, 0).cpu().numpy())


def _resize(probs: np.ndarray, size) -> np.ndarray:
    resized = cv2.resize(probs, (size[1], size[0]))
    return resized.reshape(tuple(size) + (probs.shape[-1], ))


def _compose(outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """The 2 x 3 matrix of ``outer(inner(p))``."""
    return outer[:, :2] @ inner + np.concatenate(
        [np.zeros((2, 2)), outer[:, 2:]], axis=1)
