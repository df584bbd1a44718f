# Copyright (c) segface-mmseg contributors. All rights reserved.
import os.path as osp
from typing import List

import numpy as np
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from .sample_checks import SampleChecks


def load_landmarks(path: str, num_points: int = 5) -> np.ndarray:
    """Read a landmark file of ``num_points`` lines ``x y`` (pixels).

    Args:
        path (str): The file, as the dataset converters write it.
        num_points (int): Number of points expected. Default: 5.

    Returns:
        np.ndarray: num_points x 2 float32, (x, y).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: missing landmark file')
    try:
        points = np.loadtxt(path, dtype=np.float32, ndmin=2)
    except ValueError as err:
        raise ValueError(f'{path}: not a landmark file ({err})') from err
    if points.shape != (num_points, 2):
        raise ValueError(f'{path}: expected {num_points} lines "x y", got '
                         f'values of shape {points.shape}')
    if not np.isfinite(points).all():
        raise ValueError(f'{path}: the landmarks are not all finite numbers '
                         '(NaN or inf)')
    return points


@DATASETS.register_module()
class FaceLandmarkDataset(SampleChecks, BaseSegDataset):
    """Face parsing samples that carry 5 landmarks each.

    Besides mmseg's images and labels, ``data_prefix`` may name a folder of
    landmark files (``landmark_path``), one per image with the image's
    relative name and ``landmark_suffix``, each 5 lines ``x y`` in the
    image's pixel frame (pixel edges at integers: (0, 0) is the image's
    top-left corner). Every sample then gets ``landmarks``, a 5 x 2 float32
    array: the eye centres, the nose tip and the mouth corners, each pair
    ordered from the image's left side to its right. Geometric transforms of
    this package keep them in step with the image, and
    ``PackSegInputs(meta_keys=(..., 'landmarks'))`` puts them in the
    samples' metainfo.

    Without ``landmark_path`` the samples have no landmarks. Missing
    files, empty splits and label values beyond the classes are errors
    naming the file (:class:`~.sample_checks.SampleChecks`).

    Args:
        landmark_suffix (str): Suffix of the landmark files. Default: '.txt'.
        **kwargs: Arguments of :class:`mmseg.datasets.BaseSegDataset`.
    """

    def __init__(self, landmark_suffix: str = '.txt', **kwargs) -> None:
        self.landmark_suffix = landmark_suffix
        super().__init__(**kwargs)

    def load_data_list(self) -> List[dict]:
        """mmseg's samples (at least one), with ``landmarks`` read from
        their files."""
        data_list = super().load_data_list()
        landmark_dir = self.data_prefix.get('landmark_path', None)
        if landmark_dir is None:
            return data_list
        img_dir = self.data_prefix.get('img_path', '')
        for data_info in data_list:
            name = osp.relpath(data_info['img_path'], img_dir)
            name = name[:len(name) - len(self.img_suffix)]
            data_info['landmarks'] = load_landmarks(
                osp.join(landmark_dir, name + self.landmark_suffix))
        return data_list
