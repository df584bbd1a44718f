# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Face detectors: the registry, the bundled detectors, the mmdet adapter."""
import sys
import types

import cv2
import numpy as np
import pytest
import torch

from segface_mmseg.apis import (FACE_DETECTORS, BaseFaceDetector,
                                FaceDetection, HaarCascadeFaceDetector,
                                MMDetFaceDetector, MTCNNFaceDetector,
                                build_face_detector)
from tests.helpers.photos import PLACEMENTS, face_photo, group_photo


def _face_centre_in_photo():
    """Centre of the face in the portrait, from MTCNN on the portrait."""
    faces = MTCNNFaceDetector()(face_photo())
    assert len(faces) == 1
    box = faces[0].box
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _expected_centres():
    cx, cy = _face_centre_in_photo()
    width = face_photo().shape[1]
    centres = []
    for x, y, scale, mirrored in PLACEMENTS:
        fx = (width - 1 - cx) if mirrored else cx
        centres.append((x + fx * scale, y + cy * scale))
    return np.array(centres)


def _match(faces, centres, tolerance):
    found = np.array([((f.box[0] + f.box[2]) / 2, (f.box[1] + f.box[3]) / 2)
                      for f in faces])
    dist = np.linalg.norm(found[:, None] - centres[None], axis=-1)
    return dist.min(axis=0) < tolerance


def test_mtcnn_finds_every_face_of_a_group_photo_with_landmarks():
    faces = build_face_detector('mtcnn')(group_photo())
    centres = _expected_centres()
    assert len(faces) == len(PLACEMENTS)
    assert _match(faces, centres, tolerance=10).all()
    assert [f.score for f in faces] == sorted([f.score for f in faces],
                                              reverse=True)
    for face in faces:
        lm = face.landmarks
        assert lm.shape == (5, 2)
        # image-left eye first, eyes above the nose above the mouth
        assert lm[0, 0] < lm[1, 0] and lm[3, 0] < lm[4, 0]
        assert lm[:2, 1].max() < lm[2, 1] < lm[3:, 1].min()
        x1, y1, x2, y2 = face.box
        assert ((lm >= [x1, y1]) & (lm <= [x2, y2])).all()


def test_haar_cascade_finds_the_frontal_faces():
    faces = build_face_detector(dict(type='haar', min_size=(40, 40)))(
        group_photo())
    assert all(f.landmarks is None for f in faces)
    assert len(faces) == len(PLACEMENTS)
    assert _match(faces, _expected_centres(), tolerance=25).all()


def test_build_face_detector_accepts_names_configs_and_callables():
    assert isinstance(build_face_detector('haar'), HaarCascadeFaceDetector)
    detector = build_face_detector(
        dict(type='MTCNNFaceDetector', min_face_size=40, max_faces=1))
    assert isinstance(detector, MTCNNFaceDetector)
    assert detector.max_faces == 1

    def fn(image):
        return [(1, 2, 3, 4)]

    assert build_face_detector(fn) is fn
    with pytest.raises(KeyError, match='mtcnn'):
        build_face_detector('retinaface')
    with pytest.raises(ValueError, match='type'):
        build_face_detector(dict(min_face_size=3))
    with pytest.raises(TypeError, match='int'):
        build_face_detector(3)
    with pytest.raises(FileNotFoundError, match='no_such.xml'):
        HaarCascadeFaceDetector(cascade='no_such.xml')


def test_custom_detectors_register_and_are_filtered():

    @FACE_DETECTORS.register_module(force=True)
    class ListDetector(BaseFaceDetector):

        def detect(self, image):
            return [
                dict(box=[0, 0, 10, 10], score=0.3),
                FaceDetection([5, 5, 20, 20], 0.9),
                [1, 1, 4, 4, 0.6],
            ]

    detector = build_face_detector(
        dict(type='ListDetector', score_thr=0.5, max_faces=5))
    faces = detector(np.zeros((30, 30, 3), np.uint8))
    assert [f.score for f in faces] == pytest.approx([0.9, 0.6])
    assert faces[1].box.tolist() == [1, 1, 4, 4]
    assert len(ListDetector(max_faces=1)(np.zeros((4, 4, 3), np.uint8))) == 1


def test_face_detection_validates_its_fields():
    with pytest.raises(ValueError, match='empty'):
        FaceDetection([10, 10, 5, 20])
    with pytest.raises(ValueError, match='4 numbers'):
        FaceDetection([1, 2, 3])
    with pytest.raises(ValueError, match=r'\(5, 2\)'):
        FaceDetection([0, 0, 1, 1], landmarks=np.zeros((68, 2)))
    with pytest.raises(ValueError, match='box'):
        FaceDetection.from_any(dict(score=1.0))
    face = FaceDetection.from_any(
        dict(bbox=(0, 0, 2, 2), landmarks=[[0, 0]] * 5))
    assert face.landmarks.dtype == np.float32 and face.score == 1.0


def test_mmdet_adapter_converts_instances(monkeypatch):
    calls = {}

    def init_detector(config, checkpoint, device):
        calls['init'] = (config, checkpoint, device)
        return 'model'

    def inference_detector(model, image):
        calls['image'] = image
        instances = types.SimpleNamespace(
            bboxes=torch.tensor([[1., 2., 11., 12.], [0., 0., 5., 5.],
                                 [3., 3., 3., 9.]]),
            scores=torch.tensor([0.9, 0.8, 0.99]),
            labels=torch.tensor([0, 1, 0]))
        return types.SimpleNamespace(pred_instances=instances)

    apis = types.ModuleType('mmdet.apis')
    apis.init_detector, apis.inference_detector = (init_detector,
                                                   inference_detector)
    monkeypatch.setitem(sys.modules, 'mmdet', types.ModuleType('mmdet'))
    monkeypatch.setitem(sys.modules, 'mmdet.apis', apis)
    detector = build_face_detector(
        dict(type='mmdet', config='c.py', checkpoint='w.pth', label=0))
    image = np.zeros((20, 20, 3), np.uint8)
    faces = detector(image)
    assert calls['init'] == ('c.py', 'w.pth', 'cpu')
    assert calls['image'] is image
    # label 1 dropped, the empty box dropped
    assert len(faces) == 1 and faces[0].box.tolist() == [1, 2, 11, 12]
    assert isinstance(detector, MMDetFaceDetector)


def test_mmdet_adapter_names_the_missing_package(monkeypatch):
    monkeypatch.setitem(sys.modules, 'mmdet', None)
    with pytest.raises(ImportError, match='mmdet'):
        MMDetFaceDetector('c.py', 'w.pth')


def test_detectors_do_not_change_the_image():
    img = group_photo()
    before = img.copy()
    MTCNNFaceDetector()(img)
    HaarCascadeFaceDetector()(img)
    np.testing.assert_array_equal(img, before)
    assert cv2.countNonZero(img[..., 0]) > 0
