# Copyright (c) segface-mmseg contributors. All rights reserved.
from dataclasses import dataclass
from typing import List, Optional

import numpy as np

# Order of the five landmarks, in image terms (as MTCNN, RetinaFace and the
# LaPa 5-point derivation): the eye on the image's left comes first.
LANDMARK_NAMES = ('left_eye', 'right_eye', 'nose', 'mouth_left', 'mouth_right')


@dataclass
class FaceDetection:
    """One detected face, in pixel coordinates of the full image.

    Args:
        box (np.ndarray): ``(4,)`` float32 ``x1, y1, x2, y2``.
        score (float): Detector confidence. Default: 1.
        landmarks (np.ndarray, optional): ``(5, 2)`` float32 ``(x, y)`` in
            :data:`LANDMARK_NAMES` order (image-left eye first), or None.
    """
    box: np.ndarray
    score: float = 1.0
    landmarks: Optional[np.ndarray] = None

    def __post_init__(self):
        self.box = np.asarray(self.box, dtype=np.float32).reshape(-1)
        if self.box.shape != (4, ):
            raise ValueError('FaceDetection.box must hold 4 numbers '
                             f'(x1, y1, x2, y2), got {self.box.shape}')
        if not (self.box[2] > self.box[0] and self.box[3] > self.box[1]):
            raise ValueError(f'FaceDetection.box {self.box.tolist()} is '
                             'empty: x2 must exceed x1 and y2 exceed y1')
        self.score = float(self.score)
        if self.landmarks is not None:
            lm = np.asarray(self.landmarks, dtype=np.float32)
            if lm.shape != (5, 2):
                raise ValueError('FaceDetection.landmarks must be (5, 2) '
                                 f'(x, y) points, got {lm.shape}')
            self.landmarks = lm

    @classmethod
    def from_any(cls, face) -> 'FaceDetection':
        """Build from a :class:`FaceDetection`, a dict or a sequence.

        Dicts use the keys ``box`` (or ``bbox``), ``score`` and
        ``landmarks``; sequences are ``x1, y1, x2, y2[, score]``.
        """
        if isinstance(face, cls):
            return face
        if isinstance(face, dict):
            box = face.get('box', face.get('bbox'))
            if box is None:
                raise ValueError(f'face dict without a "box": {face}')
            return cls(box, face.get('score', 1.0), face.get('landmarks'))
        values = np.asarray(face, dtype=np.float32).reshape(-1)
        if values.shape[0] not in (4, 5):
            raise ValueError('a face must be a FaceDetection, a dict or '
                             f'x1, y1, x2, y2[, score]; got {face!r}')
        score = float(values[4]) if values.shape[0] == 5 else 1.0
        return cls(values[:4], score)


class BaseFaceDetector:
    """Finds faces in a BGR image; subclasses implement :meth:`detect`.

    Args:
        score_thr (float): Faces scoring lower are dropped. Default: 0.
        max_faces (int, optional): Keep at most this many, best first.
            Default: None (all).
    """

    def __init__(self, score_thr: float = 0.0, max_faces=None) -> None:
        self.score_thr = score_thr
        self.max_faces = max_faces

    def detect(self, image: np.ndarray) -> List[FaceDetection]:
        """Detect faces.

        Args:
            image (np.ndarray): ``H x W x 3`` uint8 BGR image.

        Returns:
            list[FaceDetection]: The faces, in any order.
        """
        raise NotImplementedError

    def __call__(self, image: np.ndarray) -> List[FaceDetection]:
        """:meth:`detect`, thresholded and sorted by score (best first)."""
        faces = [FaceDetection.from_any(f) for f in self.detect(image)]
        faces = [f for f in faces if f.score >= self.score_thr]
        faces.sort(key=lambda f: -f.score)
        return faces[:self.max_faces] if self.max_faces else faces
