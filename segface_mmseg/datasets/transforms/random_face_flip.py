# Copyright (c) segface-mmseg contributors. All rights reserved.
from typing import Optional, Sequence

import numpy as np
from mmseg.datasets.transforms import RandomFlip
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomFaceFlip(RandomFlip):
    """Horizontal flip that keeps left and right labels and landmarks right.

    mmseg's :class:`RandomFlip` mirrors the image and labels and swaps the
    label pairs in ``swap_seg_labels`` (give ``left_right_pairs(classes)``:
    the subject's left eye becomes the right one in the mirror image). This
    also mirrors the landmarks (``x -> W - x``, pixel edges at integers) and
    swaps the points of ``swap_landmarks``, so the first eye is again the
    one on the image's left side.

    Required Keys:

    - img
    - gt_seg_map (optional, and every key of seg_fields)
    - landmarks (optional): K x 2 (x, y) pixels

    Modified Keys:

    - img
    - gt_seg_map (and every key of seg_fields)
    - landmarks

    Added Keys:

    - flip
    - flip_direction
    - swap_seg_labels (optional)

    Args:
        prob (float): Flip probability.
        swap_seg_labels (Sequence[tuple[int, int]], optional): Label pairs
            swapped by a flip. Default: None.
        swap_landmarks (Sequence[tuple[int, int]]): Landmark pairs swapped by
            a flip. Default: ((0, 1), (3, 4)), the eyes and mouth corners of
            the 5 points.
    """

    def __init__(self,
                 prob: float,
                 swap_seg_labels: Optional[Sequence] = None,
                 swap_landmarks: Sequence = ((0, 1), (3, 4)),
                 direction: str = 'horizontal') -> None:
        if direction != 'horizontal':
            raise ValueError('RandomFaceFlip flips horizontally only, got '
                             f'direction={direction!r}')
        super().__init__(
            prob=prob, direction=direction, swap_seg_labels=swap_seg_labels)
        self.swap_landmarks = [tuple(pair) for pair in swap_landmarks]

    def _flip(self, results: dict) -> None:
        """Flip the image, labels and landmarks."""
        super()._flip(results)
        if results.get('landmarks', None) is not None:
            points = np.array(results['landmarks'], np.float32)
            points[:, 0] = results['img'].shape[1] - points[:, 0]
            for i, j in self.swap_landmarks:
                points[[i, j]] = points[[j, i]]
            results['landmarks'] = points

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(prob={self.prob}, '
                f'swap_seg_labels={self.swap_seg_labels}, '
                f'swap_landmarks={self.swap_landmarks})')
