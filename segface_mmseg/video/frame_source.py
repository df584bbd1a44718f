# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Frames from a video file, an OpenCV capture or any iterable."""
import os
import os.path as osp
from typing import Iterable, Iterator, Union

import cv2
import numpy as np

FrameSource = Union[str, os.PathLike, cv2.VideoCapture, Iterable[np.ndarray]]


class VideoReadError(ValueError):
    """A file that OpenCV cannot read as a video."""


class VideoFrames:
    """The frames of ``source``, read one at a time.

    Args:
        source (str | cv2.VideoCapture | iterable): A video file, an open
            capture (a webcam: ``cv2.VideoCapture(0)``) or any iterable of
            ``H x W x 3`` BGR uint8 arrays.

    Attributes:
        rate (float): Frames per second (30 when unknown).
        total (int): Frames the file's header announces; 0 when unknown.
        count (int): Frames read so far.

    Raises:
        FileNotFoundError: No such file.
        VideoReadError: A file OpenCV cannot open as a video.
    """

    def __init__(self, source: FrameSource) -> None:
        self.name = '<frames>'
        self.capture = None
        self.frames = None
        self.rate, self.total, self.count = 30.0, 0, 0
        if isinstance(source, (str, os.PathLike)):
            self.name = str(source)
            if not osp.isfile(self.name):
                raise FileNotFoundError(f'{self.name}: no such video file')
            source = cv2.VideoCapture(self.name)
            if not source.isOpened():
                raise VideoReadError(
                    f'{self.name}: OpenCV cannot open this video')
        if isinstance(source, cv2.VideoCapture):
            self.capture = source
            self.rate = source.get(cv2.CAP_PROP_FPS) or 30.0
            self.total = max(int(source.get(cv2.CAP_PROP_FRAME_COUNT)), 0)
        else:
            self.frames = iter(source)

    @property
    def size(self):
        """``(width, height)`` of a capture's frames, else None."""
        if self.capture is None:
            return None
        return (int(self.capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
                int(self.capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))

    def __iter__(self) -> Iterator[np.ndarray]:
        while True:
            if self.capture is not None:
                ok, frame = self.capture.read()
                if not ok:
                    return
            else:
                frame = next(self.frames, None)
                if frame is None:
                    return
            self.count += 1
            yield frame

    def close(self) -> None:
        if self.capture is not None:
            self.capture.release()
