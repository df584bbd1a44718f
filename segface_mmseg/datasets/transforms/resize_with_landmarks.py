# Copyright (c) segface-mmseg contributors. All rights reserved.
from typing import Sequence

import numpy as np
from mmseg.datasets.transforms import Resize
from mmseg.registry import TRANSFORMS


def resize_landmarks(landmarks: np.ndarray,
                     scale_factor: Sequence[float]) -> np.ndarray:
    """Landmarks of an image in the frame of the image resized.

    SegFace's convention, as its LaPa loader scales the landmarks
    (``landmarks * [R / w, R / h]``): pixel edges at integers, an image of
    ``w`` pixels spans ``[0, w]``, so resizing multiplies. Training
    (:class:`ResizeWithLandmarks`) and inference (``FaceParser``) both map
    landmarks to the network input with it.

    Args:
        landmarks (np.ndarray): K x 2 (x, y) pixels.
        scale_factor (Sequence[float]): ``(w_scale, h_scale)``.

    Returns:
        np.ndarray: K x 2 float32.
    """
    return (np.asarray(landmarks, np.float32) *
            np.asarray(scale_factor, np.float32))


@TRANSFORMS.register_module()
class ResizeWithLandmarks(Resize):
    """mmseg's :class:`Resize` that also scales the landmarks.

    Takes the same arguments. Landmarks (pixel edges at integers) are
    multiplied by ``scale_factor`` (``(w_scale, h_scale)``), so they stay in
    the frame of the resized image; the evaluation pipelines resize to the
    network size with it, so ``landmarks`` end up in the network input's
    frame.

    Required Keys:

    - img
    - gt_seg_map (optional)
    - landmarks (optional): K x 2 (x, y) pixels

    Modified Keys:

    - img
    - gt_seg_map
    - landmarks
    - img_shape

    Added Keys:

    - scale
    - scale_factor
    - keep_ratio
    """

    def transform(self, results: dict) -> dict:
        """Resize the image, labels and landmarks.

        Args:
            results (dict): Result dict of the pipeline.

        Returns:
            dict: The resized results.
        """
        results = super().transform(results)
        if results.get('landmarks', None) is not None:
            results['landmarks'] = resize_landmarks(results['landmarks'],
                                                    results['scale_factor'])
        return results
