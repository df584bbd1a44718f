# Copyright (c) segface-mmseg contributors. All rights reserved.
from typing import Sequence, Union

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

    With ``swap_seg_labels='dataset'`` the pairs come with each sample
    (``left_right_pairs``, which :class:`FaceParsingDataset` adds from its
    class list), so a config need not repeat them.

    Required Keys:

    - img
    - gt_seg_map (optional, and every key of seg_fields)
    - landmarks (optional): K x 2 (x, y) pixels
    - left_right_pairs (with ``swap_seg_labels='dataset'``)

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
        swap_seg_labels (Sequence[tuple[int, int]] | str, optional): Label
            pairs swapped by a flip, or 'dataset' for the sample's
            ``left_right_pairs``. Default: None.
        swap_landmarks (Sequence[tuple[int, int]]): Landmark pairs swapped by
            a flip. Default: ((0, 1), (3, 4)), the eyes and mouth corners of
            the 5 points.
    """

    def __init__(self,
                 prob: float,
                 swap_seg_labels: Union[Sequence, str, None] = None,
                 swap_landmarks: Sequence = ((0, 1), (3, 4)),
                 direction: str = 'horizontal') -> None:
        if direction != 'horizontal':
            raise ValueError('RandomFaceFlip flips horizontally only, got '
                             f'direction={direction!r}')
        self.pairs_from_dataset = swap_seg_labels == 'dataset'
        if isinstance(swap_seg_labels, str) and not self.pairs_from_dataset:
            raise ValueError('swap_seg_labels must be label pairs or '
                             f"'dataset', got {swap_seg_labels!r}")
        super().__init__(
            prob=prob,
            direction=direction,
            swap_seg_labels=None
            if self.pairs_from_dataset else swap_seg_labels)
        self.swap_landmarks = [tuple(pair) for pair in swap_landmarks]

    def _flip(self, results: dict) -> None:
        """Flip the image, labels and landmarks."""
        super()._flip(results)
        if self.pairs_from_dataset:
            self._swap_sample_pairs(results)
        if results.get('landmarks', None) is not None:
            points = np.array(results['landmarks'], np.float32)
            points[:, 0] = results['img'].shape[1] - points[:, 0]
            for i, j in self.swap_landmarks:
                points[[i, j]] = points[[j, i]]
            results['landmarks'] = points

    @staticmethod
    def _swap_sample_pairs(results: dict) -> None:
        """Swap the sample's ``left_right_pairs`` in the flipped labels."""
        keys = [
            key for key in results.get('seg_fields', [])
            if results.get(key, None) is not None
        ]
        if not keys:
            return
        if 'left_right_pairs' not in results:
            raise KeyError(
                "RandomFaceFlip(swap_seg_labels='dataset') needs the "
                "samples' left_right_pairs, which FaceParsingDataset adds; "
                f'{results.get("img_path")} has none (give the pairs)')
        pairs = [tuple(pair) for pair in results['left_right_pairs']]
        for key in keys:
            flipped = results[key]
            swapped = flipped.copy()
            for left, right in pairs:
                swapped[flipped == left] = right
                swapped[flipped == right] = left
            results[key] = swapped
        results['swap_seg_labels'] = pairs

    def __repr__(self) -> str:
        pairs = 'dataset' if self.pairs_from_dataset \
            else self.swap_seg_labels
        return (f'{self.__class__.__name__}(prob={self.prob}, '
                f'swap_seg_labels={pairs}, '
                f'swap_landmarks={self.swap_landmarks})')
