# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The test pipeline's resize without Pillow or mmcv, against them."""
import mmcv
import numpy as np
import pytest
from PIL import Image

from segface_runtime.pipeline_resize import (check_pipeline_resize,
                                             resize_like_pipeline)

PIL_FILTERS = dict(
    bilinear=Image.BILINEAR, bicubic=Image.BICUBIC, lanczos=Image.LANCZOS)


@pytest.mark.parametrize('kind', sorted(PIL_FILTERS))
@pytest.mark.parametrize('src, dst', [((1024, 1024), (512, 512)),
                                      ((97, 230), (64, 64)),
                                      ((50, 41), (128, 96)),
                                      ((300, 1001), (7, 13))])
def test_pillow_backend_equals_pillow(kind, src, dst):
    image = np.random.default_rng(0).integers(0, 256, src + (3, ), np.uint8)
    expected = np.asarray(
        Image.fromarray(image).resize(dst[::-1], PIL_FILTERS[kind]))
    out = resize_like_pipeline(image, dst, kind, 'pillow')
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize('kind', ['bilinear', 'bicubic', 'nearest', 'area'])
def test_cv2_backend_equals_mmcv(kind):
    image = np.random.default_rng(1).integers(0, 256, (90, 70, 3), np.uint8)
    expected = mmcv.imresize(image, (64, 48), interpolation=kind)
    np.testing.assert_array_equal(
        resize_like_pipeline(image, (48, 64), kind, 'cv2'), expected)


def test_unsupported_resize_is_named():
    with pytest.raises(ValueError, match="'pillow' with 'box'"):
        check_pipeline_resize('box', 'pillow')
    with pytest.raises(ValueError, match="'turbo'"):
        resize_like_pipeline(
            np.zeros((4, 4, 3), np.uint8), (2, 2), 'bilinear', 'turbo')
