# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Detector landmarks reach a LaPa model as its training put them there.

Training scales a sample's landmarks with the image, ``p * s`` (SegFace's
LaPa loader: ``landmarks * [R / w, R / h]``). FaceParser must give the model
the same network-frame landmarks, hence the same face warp, for the same
face seen at another resolution: a whole image twice as large with its
landmarks doubled, or a small face in a large photo that the crop samples
up. Both paths are run as a user runs them: a LaPa-layout folder through
the config's test dataset and the segmentor's ``face_warp``, and
``FaceParser.predict`` with a detector.
"""
import os.path as osp

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS

from segface_mmseg.apis import FaceDetection, FaceParser, build_segmentor
from tests.helpers.utils import CONFIG_DIR

LAPA_224 = osp.join(CONFIG_DIR, 'segface',
                    'segface_swin-b_8xb4-300e_lapa-224x224.py')
# eyes, nose tip, mouth corners of a 80 x 60 face (x, y)
LANDMARKS = np.array(
    [[27.3, 24.8], [52.6, 25.1], [40.2, 36.7], [30.9, 46.4], [49.5, 46.0]],
    np.float32)


def _config():
    cfg = Config.fromfile(LAPA_224)
    cfg.model.backbone.init_cfg = None
    cfg.test_dataloader.num_workers = 0
    cfg.test_dataloader.persistent_workers = False
    return cfg


def _face(h, w, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (h, w, 3), np.uint8)


def training_warp(cfg, model, root, image, landmarks):
    """Landmarks and warp grid of one LaPa sample, through the config's
    test dataset (``ResizeWithLandmarks``) and the model's preprocessor."""
    for folder in ('img_dir', 'ann_dir', 'landmarks'):
        (root / folder / 'test').mkdir(parents=True)
    cv2.imwrite(str(root / 'img_dir' / 'test' / 'face.jpg'), image)
    cv2.imwrite(
        str(root / 'ann_dir' / 'test' / 'face.png'),
        np.zeros(image.shape[:2], np.uint8))
    np.savetxt(root / 'landmarks' / 'test' / 'face.txt', landmarks)
    init_default_scope('mmseg')
    dataset = DATASETS.build(
        dict(cfg.test_dataloader.dataset, data_root=str(root)))
    data = model.data_preprocessor(pseudo_collate([dataset[0]]), False)
    metas = [s.metainfo for s in data['data_samples']]
    warp, _ = model.face_warp(data['inputs'], metas)
    return metas[0]['landmarks'], warp.grid


def parser_warp(cfg, model, image, box, landmarks, crop_mode):
    """Landmarks and warp grid the model gets from FaceParser."""
    parser = FaceParser(
        cfg,
        detector=lambda img: [FaceDetection(box, 1.0, landmarks)],
        crop_mode=crop_mode,
        margin=0.0)
    parser.model.load_state_dict(model.state_dict())
    seen = []
    face_warp = parser.model.face_warp

    def spy(inputs, metas):
        warp = face_warp(inputs, metas)
        seen.append((metas[0]['landmarks'], warp[0].grid))
        return warp

    parser.model.face_warp = spy
    parser.predict(image)
    assert len(seen) == 1
    return seen[0]


def _assert_same(training, parsed):
    np.testing.assert_allclose(parsed[0], training[0], rtol=0, atol=1e-4)
    torch.testing.assert_close(parsed[1], training[1], rtol=0, atol=1e-5)


def test_whole_image_twice_as_large(tmp_path):
    cfg = _config()
    model, _, _ = build_segmentor(cfg)
    face = _face(60, 80)
    training = training_warp(cfg, model, tmp_path, face, LANDMARKS)
    # the training path: landmarks * (224 / 80, 224 / 60)
    np.testing.assert_allclose(
        training[0], LANDMARKS * [224 / 80, 224 / 60], rtol=1e-6)
    large = cv2.resize(face, (160, 120), interpolation=cv2.INTER_CUBIC)
    parsed = parser_warp(cfg, model, large, [0, 0, 160, 120], 2 * LANDMARKS,
                         'none')
    _assert_same(training, parsed)


def test_small_face_cropped_and_sampled_up(tmp_path):
    """A 32 x 32 face at (100, 60) of a 200 x 240 photo: the upright crop
    (no margin) is sampled at the network size, 7x; training sees the face
    at its own 32 x 32 resolution. Crop frames are in pixel-index
    coordinates (cv2's, centres at integers), so the box that cuts exactly
    the face's pixels is offset by half a pixel from the landmarks' frame
    (edges at integers)."""
    cfg = _config()
    model, _, _ = build_segmentor(cfg)
    face = _face(32, 32, seed=1)
    points = LANDMARKS * 0.4
    training = training_warp(cfg, model, tmp_path, face, points)
    photo = _face(200, 240, seed=2)
    photo[60:92, 100:132] = face
    parsed = parser_warp(cfg, model, photo, [99.5, 59.5, 131.5, 91.5],
                         points + [100, 60], 'box')
    np.testing.assert_allclose(parsed[0], points * 7, rtol=0, atol=1e-4)
    _assert_same(training, parsed)
