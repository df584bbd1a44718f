# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The official SegFace test loaders and evaluation, restated.

Written from the official code (github.com/Kartik-3004/SegFace at 9416628:
``datasets/{celebamask_hq,lapa,helen}.py``, ``test.py``, ``inference.py``;
restated, not copied), on the raw downloads, with the libraries the
official code uses (OpenCV to decode, torchvision's PIL transforms to
resize and normalise), and nothing of this package: the tests compare the
converters, the config pipelines, the data preprocessor and
:class:`FaceParsingMetric` against it.

Each loader returns what the official dataset gives the network for one
test sample: the normalised 3 x R x R image tensor, the R x R label map
(float, as the official) and the 5 x 2 landmarks in the R x R frame (None
for CelebAMask-HQ).
"""
import os.path as osp

import cv2
import numpy as np
import torch
import torchvision.transforms.functional as TF
from PIL import Image

MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
CELEBA_PARTS = ('neck', 'skin', 'cloth', 'l_ear', 'r_ear', 'l_brow', 'r_brow',
                'l_eye', 'r_eye', 'nose', 'mouth', 'l_lip', 'u_lip', 'hair',
                'eye_g', 'hat', 'ear_r', 'neck_l')


def _rgb(path):
    return cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2RGB)


def _network_input(rgb, resolution):
    """Squash to R x R (PIL bicubic), ToTensor, ImageNet Normalize."""
    image = TF.resize(
        Image.fromarray(rgb), [resolution, resolution],
        TF.InterpolationMode.BICUBIC)
    return TF.normalize(TF.to_tensor(image), MEAN, STD)


def _network_label(label, resolution):
    """Squash to R x R (PIL nearest), ToTensor x 255, float."""
    label = TF.resize(
        Image.fromarray(label), [resolution, resolution],
        TF.InterpolationMode.NEAREST)
    return (TF.to_tensor(label).squeeze(0) * 255).float()


def celebamask_hq_sample(raw_root, hq_id, resolution):
    """The official test sample of CelebA-HQ image ``hq_id``."""
    rgb = _rgb(osp.join(raw_root, 'CelebA-HQ-img', f'{hq_id}.jpg'))
    label = np.zeros((512, 512), np.uint8)
    prefix = osp.join(raw_root, 'CelebAMask-HQ-mask-anno', str(hq_id // 2000),
                      f'{hq_id:05d}')
    for i, part in enumerate(CELEBA_PARTS):
        path = f'{prefix}_{part}.png'
        if osp.exists(path):
            mask = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
            label = np.where(mask > 0, np.full_like(label, i + 1), label)
    image = _network_input(rgb, resolution)
    return image, _network_label(label, resolution), None


def _lapa_five(p):
    """The 5 alignment points of LaPa's 106: eyes, nose tip, mouth."""
    return np.array([(p[74] + p[104]) / 2, (p[83] + p[105]) / 2, p[54], p[84],
                     p[90]])


def _read_lapa(raw_root, split, name):
    """Image (RGB), label and the 106 landmarks (float32) of a sample."""
    rgb = _rgb(osp.join(raw_root, split, 'images', f'{name}.jpg'))
    label = cv2.imread(
        osp.join(raw_root, split, 'labels', f'{name}.png'),
        cv2.IMREAD_GRAYSCALE)
    with open(osp.join(raw_root, split, 'landmarks', f'{name}.txt')) as f:
        values = [float(v) for v in f.read().split()]
    return rgb, label, np.reshape(np.array(values[1:], np.float32), [106, 2])


def lapa_sample(raw_root, split, name, resolution):
    """The official test sample of LaPa image ``split/name``."""
    rgb, label, points = _read_lapa(raw_root, split, name)
    five = _lapa_five(points)
    h, w = rgb.shape[:2]
    five[:, 0] *= resolution / w
    five[:, 1] *= resolution / h
    return (_network_input(rgb, resolution), _network_label(label, resolution),
            torch.tensor(five, dtype=torch.float))


def lapa_train_sample(raw_root, split, name, resolution, angle, scale,
                      translate):
    """The official LaPa training sample for given affine parameters: the
    affine about the image centre on the original image (PIL bicubic /
    nearest, black outside), the squash to R x R, the landmarks moved
    along, then the 5 points."""
    rgb, label, points = _read_lapa(raw_root, split, name)
    h, w = rgb.shape[:2]
    kwargs = dict(angle=angle, translate=translate, scale=scale, shear=0)
    image = TF.affine(
        Image.fromarray(rgb),
        interpolation=TF.InterpolationMode.BICUBIC,
        **kwargs)
    label = TF.affine(
        Image.fromarray(label),
        interpolation=TF.InterpolationMode.NEAREST,
        **kwargs)
    a = np.deg2rad(-angle)
    rotation = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    centre = np.array([w, h]) / 2.0
    points = np.dot(points - centre, rotation) * scale
    points = points + centre + np.array(translate)
    points = points * np.array([resolution / w, resolution / h])
    return (_network_input(np.asarray(image), resolution),
            _network_label(np.asarray(label), resolution),
            torch.tensor(_lapa_five(points), dtype=torch.float))


def helen_sample(raw_root, split, name, resolution, points68):
    """The official test sample of Helen image ``split/name``; ``points68``
    is its line of ``landmarks.txt`` (68 x 2, twice the image scale)."""
    rgb = _rgb(osp.join(raw_root, split, f'{name}_image.jpg'))
    label = cv2.imread(
        osp.join(raw_root, split, f'{name}_label.png'), cv2.IMREAD_GRAYSCALE)
    p = np.asarray(points68, np.float32) * np.array([0.5, 0.5])
    # the landmark box, grown to a square of 1.2 x its larger side, clipped
    lo = np.min(p, axis=0).astype(np.float32)
    wh = np.max(p, axis=0).astype(np.float32) - lo + 1
    centre = (lo + wh / 2).astype(np.int32)
    side = int(np.max(wh) * 1.2)
    x1, y1 = centre - side // 2
    x2, y2 = x1 + side, y1 + side
    height, width = rgb.shape[:2]
    x1, y1, x2, y2 = max(0, x1), max(0, y1), min(width, x2), min(height, y2)
    rgb, label = rgb[y1:y2, x1:x2], label[y1:y2, x1:x2]
    p = p - (x1, y1)
    h, w = rgb.shape[:2]
    p = p * np.array([resolution / w, resolution / h])
    five = np.array([p[36:42].mean(0), p[42:48].mean(0), p[30], p[48], p[54]])
    return (_network_input(rgb, resolution), _network_label(label, resolution),
            torch.tensor(five, dtype=torch.float))


def predict(logits, resolution):
    """The official prediction: bilinear to R x R, softmax, argmax."""
    logits = torch.nn.functional.interpolate(
        logits,
        size=(resolution, resolution),
        mode='bilinear',
        align_corners=False)
    return torch.argmax(logits.softmax(dim=1), dim=1)


def official_scores(pairs, num_classes, merged_groups=None):
    """The official validation numbers of ``(gt, pred)`` label map pairs.

    A histogram summed over all images; per-class F1 (fractions, not %) on
    it, their mean over the classes after background (``Mean_F1``), the F1
    of each merged group (Helen), and from the same counts the IoU of every
    class (absent ones 0), their mean (``Mean_IU``, %), pixel and mean
    accuracy (%).

    Args:
        pairs (Iterable[tuple]): ``(gt, pred)`` arrays of the same shape.
        num_classes (int): N.
        merged_groups (dict[str, Sequence[int]], optional): Ids per group.

    Returns:
        dict: ``F1`` (N fractions, by id), ``merged_F1`` (group ->
        fraction), ``Mean_F1``, ``Mean_IU``, ``pixel_accuracy``,
        ``mean_accuracy``.
    """
    n = num_classes
    hist = np.zeros((n, n), np.int64)
    for gt, pred in pairs:
        gt = np.asarray(gt, np.int32)
        pred = np.asarray(pred, np.int32)
        keep = gt != 255
        hist += np.bincount(
            n * gt[keep].astype(int) + pred[keep].astype(int),
            minlength=n * n).reshape(n, n)

    def f1(ids):
        both = hist[np.ix_(ids, ids)].sum()
        return 2 * both / (hist[ids, :].sum() + hist[:, ids].sum())

    per_class = [f1([i]) for i in range(n)]
    tp, pos, res = np.diag(hist), hist.sum(1), hist.sum(0)
    iou = tp / np.maximum(1.0, pos + res - tp) * 100
    return dict(
        F1=per_class,
        merged_F1={
            name: f1(list(ids))
            for name, ids in (merged_groups or {}).items()
        },
        Mean_F1=float(np.mean(per_class[1:])),
        Mean_IU=float(iou.mean()),
        pixel_accuracy=float(tp.sum() / pos.sum() * 100),
        mean_accuracy=float((tp / np.maximum(1.0, pos)).mean() * 100))
