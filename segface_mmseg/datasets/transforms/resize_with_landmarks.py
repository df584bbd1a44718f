# Copyright (c) segface-mmseg contributors. All rights reserved.
import numpy as np
from mmseg.datasets.transforms import Resize
from mmseg.registry import TRANSFORMS


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
            w_scale, h_scale = results['scale_factor']
            results['landmarks'] = (
                np.asarray(results['landmarks'], np.float32) *
                np.array([w_scale, h_scale], np.float32))
        return results
