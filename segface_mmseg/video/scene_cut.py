# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Scene cuts: frames whose content differs too much from the previous."""
from typing import Optional

import cv2
import numpy as np


class SceneCutDetector:
    """Flags a frame as a cut when its small grey thumbnail differs from
    the previous frame's by more than ``threshold`` on average.

    Camera motion changes a thumbnail little; a cut to another shot changes
    most of it.

    Args:
        threshold (float): Mean absolute difference of the thumbnails,
            grey levels 0-255. Default: 30.
        side (int): Thumbnail side. Default: 32.
    """

    def __init__(self, threshold: float = 30.0, side: int = 32) -> None:
        self.threshold = threshold
        self.side = side
        self.previous: Optional[np.ndarray] = None

    def __call__(self, frame: np.ndarray) -> bool:
        """Whether ``frame`` (``H x W x 3`` BGR) starts a new scene; the
        first frame does."""
        grey = frame if frame.ndim == 2 else cv2.cvtColor(
            frame, cv2.COLOR_BGR2GRAY)
        thumb = cv2.resize(
            grey, (self.side, self.side),
            interpolation=cv2.INTER_AREA).astype(np.float32)
        previous, self.previous = self.previous, thumb
        if previous is None:
            return True
        return float(np.abs(thumb - previous).mean()) > self.threshold
