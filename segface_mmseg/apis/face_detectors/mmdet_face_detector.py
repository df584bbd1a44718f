# Copyright (c) segface-mmseg contributors. All rights reserved.
from typing import List, Optional

import numpy as np

from .base import BaseFaceDetector, FaceDetection
from .builder import FACE_DETECTORS


@FACE_DETECTORS.register_module()
class MMDetFaceDetector(BaseFaceDetector):
    """Any MMDetection 3.x face (or person-head) detector, boxes only.

    Needs ``mmdet`` installed; the model comes from an mmdet config and
    checkpoint (e.g. a RetinaNet/YOLOX trained on WIDER FACE).

    Args:
        config (str): mmdet config file.
        checkpoint (str): Its checkpoint.
        device (str): Device of the detector. Default: 'cpu'.
        label (int, optional): Keep only boxes of this class id (for
            multi-class detectors). Default: None (all).
        score_thr (float): Score threshold. Default: 0.5.
        max_faces (int, optional): Keep at most this many. Default: None.
    """

    def __init__(self,
                 config: str,
                 checkpoint: str,
                 device: str = 'cpu',
                 label: Optional[int] = None,
                 score_thr: float = 0.5,
                 max_faces: Optional[int] = None) -> None:
        super().__init__(score_thr=score_thr, max_faces=max_faces)
        try:
            from mmdet.apis import inference_detector, init_detector
        except ImportError as e:
            raise ImportError('MMDetFaceDetector needs mmdet 3.x '
                              '(pip install mmdet)') from e
        self._inference = inference_detector
        self._model = init_detector(config, checkpoint, device=device)
        self.label = label

    def detect(self, image: np.ndarray) -> List[FaceDetection]:
        """Detect faces with mmdet (which takes BGR arrays)."""
        instances = self._inference(self._model, image).pred_instances
        boxes = instances.bboxes.cpu().numpy()
        scores = instances.scores.cpu().numpy()
        labels = instances.labels.cpu().numpy()
        return [
            FaceDetection(box, score)
            for box, score, label in zip(boxes, scores, labels)
            if (self.label is None or int(label) == self.label)
            and box[2] > box[0] and box[3] > box[1]
        ]
