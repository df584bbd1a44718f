# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Face-aware geometric transforms: image, labels and landmarks together."""
import numpy as np
import pytest
import torchvision.transforms.functional as TF
from mmengine.registry import init_default_scope
from mmseg.registry import TRANSFORMS
from PIL import Image

from segface_mmseg.datasets.transforms import (RandomFaceAffine,
                                               RandomFaceFlip,
                                               ResizeWithLandmarks)


def _results(img, label=None, landmarks=None):
    results = dict(img=img.copy(), img_shape=img.shape[:2], seg_fields=[])
    if label is not None:
        results['gt_seg_map'] = label.copy()
        results['seg_fields'] = ['gt_seg_map']
    if landmarks is not None:
        results['landmarks'] = np.asarray(landmarks, np.float32)
    return results


def _official_landmark_affine(landmarks, center, angle, scale, translate):
    """The official LaPa loader's landmark formula, written out again."""
    a = np.deg2rad(-angle)
    rotation = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return np.dot(landmarks - center,
                  rotation) * scale + center + np.array(translate)


def _marker_image(shape, points, radius=1):
    """Black image with a white square centred on each point's pixel."""
    img = np.zeros(shape + (3, ), np.uint8)
    for x, y in points:
        c, r = int(np.floor(x)), int(np.floor(y))
        img[r - radius:r + radius + 1, c - radius:c + radius + 1] = 255
    return img


def _marker_centroid(img, point, window=6):
    """Brightness-weighted centre (pixel edges at integers) near a point."""
    gray = img.astype(np.float64).mean(axis=2)
    x0, y0 = int(point[0]), int(point[1])
    r0, c0 = max(0, y0 - window), max(0, x0 - window)
    patch = gray[r0:y0 + window + 1, c0:x0 + window + 1]
    rows, cols = np.mgrid[:patch.shape[0], :patch.shape[1]]
    total = patch.sum()
    assert total > 0, f'no marker near {point}'
    return np.array([(patch * (cols + c0 + 0.5)).sum() / total,
                     (patch * (rows + r0 + 0.5)).sum() / total])


# --------------------------------------------------------------- the affine
def test_affine_equals_torchvision_on_pil_as_the_official():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (37, 50, 3), dtype=np.uint8)
    label = rng.integers(0, 11, (37, 50), dtype=np.uint8)
    points = rng.uniform(0, 37, (5, 2))
    np.random.seed(3)
    out = RandomFaceAffine()(_results(img, label, points))
    p = out['face_affine']
    assert -30 <= p['angle'] <= 30 and 0.5 <= p['scale'] <= 3
    assert all(-20 <= t <= 20 for t in p['translate'])

    kwargs = dict(
        angle=p['angle'],
        translate=list(p['translate']),
        scale=p['scale'],
        shear=[0.0, 0.0])
    expected_img = TF.affine(
        Image.fromarray(img),
        interpolation=TF.InterpolationMode.BICUBIC,
        **kwargs)
    expected_label = TF.affine(
        Image.fromarray(label),
        interpolation=TF.InterpolationMode.NEAREST,
        **kwargs)
    np.testing.assert_array_equal(out['img'], np.asarray(expected_img))
    np.testing.assert_array_equal(out['gt_seg_map'],
                                  np.asarray(expected_label))
    expected_points = _official_landmark_affine(points, (25.0, 18.5),
                                                p['angle'], p['scale'],
                                                p['translate'])
    np.testing.assert_allclose(out['landmarks'], expected_points, atol=1e-4)
    assert out['landmarks'].dtype == np.float32


def test_affine_fills_background_and_keeps_label_values():
    label = np.full((40, 40), 7, np.uint8)
    t = RandomFaceAffine()
    t._sample_params = lambda: dict(angle=0., scale=0.5, translate=(0., 0.))
    out = t(_results(np.full((40, 40, 3), 200, np.uint8), label))
    # shrunk by 2 about the centre: the middle 20 x 20 keeps the label
    assert set(np.unique(out['gt_seg_map'])) == {0, 7}
    assert (out['gt_seg_map'][10:30, 10:30] == 7).all()
    assert out['gt_seg_map'][:9].max() == 0
    assert out['img'][0, 0].tolist() == [0, 0, 0]


def test_affine_landmarks_follow_the_image():
    points = np.array([[20.5, 30.5], [40.5, 28.5], [30.5, 40.5], [22.5, 50.5],
                       [38.5, 50.5]])
    img = _marker_image((70, 60), points)
    t = RandomFaceAffine()
    t._sample_params = lambda: dict(angle=25., scale=1.3, translate=(4., -3.))
    out = t(_results(img, landmarks=points))
    for point in out['landmarks']:
        np.testing.assert_allclose(
            _marker_centroid(out['img'], point), point, atol=0.35)


def test_affine_prob_zero_leaves_the_sample():
    img = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
    out = RandomFaceAffine(prob=0.)(_results(img, landmarks=[[1, 2]] * 5))
    assert out['face_affine'] is None
    np.testing.assert_array_equal(out['img'], img)


def test_affine_rejects_bad_arguments():
    with pytest.raises(ValueError, match='scale_range'):
        RandomFaceAffine(scale_range=(0, 2))
    with pytest.raises(ValueError, match='img_interpolation'):
        RandomFaceAffine(img_interpolation='lanczos3')


# ----------------------------------------------------------------- the flip
def test_flip_swaps_labels_and_landmarks_by_hand():
    label = np.array([[0, 2, 3, 4, 5, 1, 1, 6, 1, 1]], np.uint8)
    points = [[2, 3], [7, 3], [5, 5], [3, 8], [6.5, 8]]
    img = np.arange(30, dtype=np.uint8).reshape(1, 10, 3)
    t = RandomFaceFlip(prob=1., swap_seg_labels=[(2, 3), (4, 5)])
    out = t(_results(img, label, points))
    assert out['flip'] and out['flip_direction'] == 'horizontal'
    np.testing.assert_array_equal(out['img'], img[:, ::-1])
    # mirrored: [1, 1, 6, 1, 1, 5, 4, 3, 2, 0], then 2<->3 and 4<->5
    np.testing.assert_array_equal(out['gt_seg_map'],
                                  [[1, 1, 6, 1, 1, 4, 5, 2, 3, 0]])
    # x -> 10 - x, then eyes (0, 1) and mouth corners (3, 4) swapped
    np.testing.assert_allclose(out['landmarks'],
                               [[3, 3], [8, 3], [5, 5], [3.5, 8], [7, 8]])


def test_flip_swaps_the_pairs_the_sample_carries():
    label = np.array([[0, 2, 3, 4, 5, 1, 1, 6, 1, 1]], np.uint8)
    img = np.zeros((1, 10, 3), np.uint8)
    t = RandomFaceFlip(prob=1., swap_seg_labels='dataset')
    results = _results(img, label)
    results['left_right_pairs'] = [(2, 3), (6, 1)]
    out = t(results)
    # mirrored: [1, 1, 6, 1, 1, 5, 4, 3, 2, 0], then 2<->3 and 6<->1
    np.testing.assert_array_equal(out['gt_seg_map'],
                                  [[6, 6, 1, 6, 6, 5, 4, 2, 3, 0]])
    assert out['swap_seg_labels'] == [(2, 3), (6, 1)]
    assert 'dataset' in repr(t)
    with pytest.raises(KeyError, match='left_right_pairs'):
        t(_results(img, label))
    # nothing to swap without labels
    t(_results(img))
    with pytest.raises(ValueError, match="'dataset'"):
        RandomFaceFlip(prob=1., swap_seg_labels='datasets')


def test_flip_landmarks_follow_the_image():
    points = np.array([[12.5, 20.5], [30.5, 21.5], [21.5, 30.5], [14.5, 40.5],
                       [29.5, 40.5]])
    img = _marker_image((50, 45), points)
    out = RandomFaceFlip(prob=1.)(_results(img, landmarks=points))
    for point in out['landmarks']:
        np.testing.assert_allclose(
            _marker_centroid(out['img'], point), point, atol=1e-6)
    # the first eye is again the one on the image's left
    assert out['landmarks'][0, 0] < out['landmarks'][1, 0]
    assert out['landmarks'][3, 0] < out['landmarks'][4, 0]


def test_flip_prob_zero_and_direction():
    img = np.zeros((2, 3, 3), np.uint8)
    out = RandomFaceFlip(prob=0.)(_results(img, landmarks=[[1, 1]] * 5))
    assert not out['flip']
    np.testing.assert_array_equal(out['landmarks'], [[1, 1]] * 5)
    with pytest.raises(ValueError, match='horizontally'):
        RandomFaceFlip(prob=0.5, direction='vertical')


# --------------------------------------------------------------- the resize
def test_resize_scales_landmarks_by_hand():
    img = np.zeros((20, 40, 3), np.uint8)
    t = ResizeWithLandmarks(scale=(80, 10), keep_ratio=False)
    out = t(_results(img, landmarks=[[10, 4], [40, 20]] + [[0, 0]] * 3))
    assert out['img'].shape == (10, 80, 3)
    np.testing.assert_allclose(out['landmarks'][:2], [[20, 2], [80, 10]])


def test_registered_in_mmseg():
    init_default_scope('mmseg')
    for name in ('RandomFaceAffine', 'RandomFaceFlip', 'ResizeWithLandmarks'):
        assert TRANSFORMS.get(name) is not None


def test_lapa_train_pipeline_keeps_landmarks_on_the_face():
    """Affine then resize to the network size, as the LaPa config."""
    init_default_scope('mmseg')
    points = np.array([[40.5, 50.5], [80.5, 48.5], [60.5, 70.5], [45.5, 90.5],
                       [76.5, 91.5]])
    img = _marker_image((120, 110), points, radius=2)
    affine = RandomFaceAffine()
    affine._sample_params = lambda: dict(
        angle=-12., scale=1.1, translate=(3., 5.))
    resize = ResizeWithLandmarks(
        scale=(128, 128),
        keep_ratio=False,
        interpolation='bicubic',
        backend='pillow')
    out = resize(affine(_results(img, landmarks=points)))
    assert out['img'].shape[:2] == (128, 128)
    for point in out['landmarks']:
        np.testing.assert_allclose(
            _marker_centroid(out['img'], point), point, atol=0.5)
