# Copyright (c) segface-mmseg contributors. All rights reserved.
import os.path as osp
from typing import List, Optional, Tuple

import cv2
import numpy as np

from .base import BaseFaceDetector, FaceDetection
from .builder import FACE_DETECTORS

# Debian's opencv-data package installs the cascades here.
_SYSTEM_CASCADE_DIRS = ('/usr/share/opencv4/haarcascades',
                        '/usr/share/opencv/haarcascades')


def _find_cascade(name: str) -> str:
    if osp.isfile(name):
        return name
    folders = []
    data = getattr(cv2, 'data', None)
    if data is not None and getattr(data, 'haarcascades', None):
        folders.append(data.haarcascades)
    folders += list(_SYSTEM_CASCADE_DIRS)
    for folder in folders:
        path = osp.join(folder, name)
        if osp.isfile(path):
            return path
    raise FileNotFoundError(
        f'Haar cascade "{name}" not found in {folders}. opencv-python 4.x '
        'wheels ship it (cv2.data.haarcascades; version 5 no longer does), '
        'and so does Debian\'s opencv-data; or pass cascade=<path to xml>')


@FACE_DETECTORS.register_module()
class HaarCascadeFaceDetector(BaseFaceDetector):
    """OpenCV's Viola-Jones frontal face detector; boxes only.

    A fallback with no extra package: the cascades ship in the
    opencv-python 4.x wheels. Without landmarks, faces are cropped with a
    margin (no alignment) and LaPa models get no landmarks. Its boxes are
    tighter than MTCNN's and it misses tilted or profile faces.

    Args:
        cascade (str): Cascade file name (searched in ``cv2.data`` and
            Debian's opencv-data folders) or path. Default:
            'haarcascade_frontalface_default.xml'.
        scale_factor (float): Pyramid step of ``detectMultiScale``.
            Default: 1.1.
        min_neighbors (int): Overlapping hits needed to keep a face.
            Default: 5.
        min_size (tuple[int, int]): Smallest face (w, h). Default: (30, 30).
        max_faces (int, optional): Keep at most this many. Default: None.
    """

    def __init__(self,
                 cascade: str = 'haarcascade_frontalface_default.xml',
                 scale_factor: float = 1.1,
                 min_neighbors: int = 5,
                 min_size: Tuple[int, int] = (30, 30),
                 max_faces: Optional[int] = None) -> None:
        super().__init__(score_thr=0.0, max_faces=max_faces)
        path = _find_cascade(cascade)
        self._cascade = cv2.CascadeClassifier(path)
        if self._cascade.empty():
            raise ValueError(f'{path}: not a valid OpenCV cascade file')
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors
        self.min_size = tuple(min_size)

    def detect(self, image: np.ndarray) -> List[FaceDetection]:
        """Detect faces; the score is the number of overlapping hits."""
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        boxes, _, weights = self._cascade.detectMultiScale3(
            gray,
            scaleFactor=self.scale_factor,
            minNeighbors=self.min_neighbors,
            minSize=self.min_size,
            outputRejectLevels=True)
        return [
            FaceDetection(
                np.array([x, y, x + w, y + h], dtype=np.float32), float(s))
            for (x, y, w, h), s in zip(boxes, np.ravel(weights))
        ]
