# Copyright (c) segface-mmseg contributors. All rights reserved.
import math
from typing import Optional, Sequence, Tuple

import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness
from mmseg.registry import TRANSFORMS
from PIL import Image

_PIL_MODES = dict(
    nearest=Image.NEAREST, bilinear=Image.BILINEAR, bicubic=Image.BICUBIC)


@TRANSFORMS.register_module()
class RandomFaceAffine(BaseTransform):
    """Random rotation, scaling and translation of image, labels and
    landmarks together: SegFace's LaPa training augmentation.

    One affine per sample, about the image centre (pixel edges at integers,
    centre at (W / 2, H / 2)), as torchvision's ``F.affine`` on PIL images,
    which the official code uses::

        p' = C + T + s * R(angle) @ (p - C)

    with ``R`` a clockwise rotation on screen (x right, y down). The image is
    resampled with PIL bicubic, every label with nearest; pixels from outside
    the image get ``img_fill`` / ``seg_fill`` (0: black and background, as
    the official). The output keeps the input size.

    Required Keys:

    - img
    - gt_seg_map (optional, and every key of seg_fields)
    - landmarks (optional): K x 2 (x, y) pixels

    Modified Keys:

    - img
    - gt_seg_map (and every key of seg_fields)
    - landmarks

    Added Keys:

    - face_affine (dict): ``angle``, ``scale`` and ``translate`` applied, or
      None when the sample was left as is.

    Args:
        max_rotate_degree (float): Angle drawn from U(-a, a) degrees.
            Default: 30.
        scale_range (tuple[float]): Scale drawn from U(lo, hi).
            Default: (0.5, 3.0).
        max_translate (float): Each of x and y shift drawn from U(-t, t)
            pixels. Default: 20.
        prob (float): Probability of applying it. Default: 1.0 (always, as
            the official).
        img_interpolation (str): 'nearest', 'bilinear' or 'bicubic'.
            Default: 'bicubic'.
        img_fill (int): Value of image pixels from outside. Default: 0.
        seg_fill (int): Label of pixels from outside. Default: 0
            (background).
    """

    def __init__(self,
                 max_rotate_degree: float = 30.,
                 scale_range: Sequence[float] = (0.5, 3.0),
                 max_translate: float = 20.,
                 prob: float = 1.0,
                 img_interpolation: str = 'bicubic',
                 img_fill: int = 0,
                 seg_fill: int = 0) -> None:
        if not 0 <= prob <= 1:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        if len(scale_range) != 2 or not 0 < scale_range[0] <= scale_range[1]:
            raise ValueError('scale_range must be (lo, hi) with 0 < lo <= hi, '
                             f'got {scale_range}')
        if img_interpolation not in _PIL_MODES:
            raise ValueError(f'img_interpolation must be one of '
                             f'{sorted(_PIL_MODES)}, got {img_interpolation}')
        self.max_rotate_degree = max_rotate_degree
        self.scale_range = tuple(scale_range)
        self.max_translate = max_translate
        self.prob = prob
        self.img_interpolation = img_interpolation
        self.img_fill = img_fill
        self.seg_fill = seg_fill

    @cache_randomness
    def _sample_params(self) -> Optional[dict]:
        """Draw angle, scale, then the x and y shifts (the official order)."""
        if self.prob < 1 and np.random.rand() >= self.prob:
            return None
        angle = np.random.uniform(-self.max_rotate_degree,
                                  self.max_rotate_degree)
        scale = np.random.uniform(*self.scale_range)
        translate = (np.random.uniform(-self.max_translate,
                                       self.max_translate),
                     np.random.uniform(-self.max_translate,
                                       self.max_translate))
        return dict(angle=angle, scale=scale, translate=translate)

    @staticmethod
    def matrix(center: Tuple[float, float], angle: float,
               translate: Tuple[float, float], scale: float) -> np.ndarray:
        """The 2 x 3 forward matrix mapping input to output pixels."""
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        linear = scale * np.array([[cos, -sin], [sin, cos]])
        center = np.asarray(center, np.float64)
        offset = center + np.asarray(translate, np.float64) - linear @ center
        return np.concatenate([linear, offset[:, None]], axis=1)

    @staticmethod
    def inverse_matrix(center: Tuple[float, float], angle: float,
                       translate: Tuple[float, float],
                       scale: float) -> Tuple[float, ...]:
        """PIL's AFFINE data: the inverse map, output to input pixels."""
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        (cx, cy), (tx, ty) = center, translate
        a, b, d, e = cos / scale, sin / scale, -sin / scale, cos / scale
        # p = C + R^-1 / s @ (p' - C - T)
        c = cx - a * (cx + tx) - b * (cy + ty)
        f = cy - d * (cx + tx) - e * (cy + ty)
        return a, b, c, d, e, f

    @staticmethod
    def _warp(array: np.ndarray, data: Tuple[float, ...], resample: int,
              fill: int) -> np.ndarray:
        """Warp an H x W or H x W x C uint8 array with PIL."""
        if array.dtype != np.uint8:
            raise TypeError('RandomFaceAffine warps uint8 arrays, got '
                            f'{array.dtype}')
        size = (array.shape[1], array.shape[0])
        if array.ndim == 3 and array.shape[2] != 3:
            return np.stack([
                RandomFaceAffine._warp(array[..., i], data, resample, fill)
                for i in range(array.shape[2])
            ],
                            axis=2)
        img = Image.fromarray(array)
        return np.asarray(
            img.transform(
                size, Image.AFFINE, data, resample=resample, fillcolor=fill))

    def transform(self, results: dict) -> dict:
        """Apply one random affine to the image, labels and landmarks.

        Args:
            results (dict): Result dict of the pipeline.

        Returns:
            dict: The transformed results.
        """
        params = self._sample_params()
        results['face_affine'] = params
        if params is None:
            return results
        h, w = results['img'].shape[:2]
        center = (w * 0.5, h * 0.5)
        inverse = self.inverse_matrix(center, **params)
        results['img'] = self._warp(results['img'], inverse,
                                    _PIL_MODES[self.img_interpolation],
                                    self.img_fill)
        for key in results.get('seg_fields', []):
            if results.get(key, None) is not None:
                results[key] = self._warp(results[key], inverse, Image.NEAREST,
                                          self.seg_fill)
        if results.get('landmarks', None) is not None:
            forward = self.matrix(center, **params)
            points = np.asarray(results['landmarks'], np.float64)
            results['landmarks'] = (points @ forward[:, :2].T +
                                    forward[:, 2]).astype(np.float32)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'max_rotate_degree={self.max_rotate_degree}, '
                f'scale_range={self.scale_range}, '
                f'max_translate={self.max_translate}, prob={self.prob}, '
                f'img_interpolation={self.img_interpolation}, '
                f'img_fill={self.img_fill}, seg_fill={self.seg_fill})')
