# Copyright (c) segface-mmseg contributors. All rights reserved.
"""FaceParser: whole images, in-the-wild crops pasted back, checkpoints."""
import os

import numpy as np
import pytest
import torch
from mmseg.apis import MMSegInferencer
from PIL import Image

from segface_mmseg.apis import FaceDetection, FaceParser
from segface_mmseg.apis.face_crops import box_frame, image_to_crop_matrix
from segface_mmseg.classes import CELEBAMASK_HQ_CLASSES, FACE_PALETTE
from tests.helpers.parser_stubs import (boxes_detector, fake_run, random_image,
                                        record_landmarks)
from tests.helpers.photos import PLACEMENTS, group_photo
from tests.helpers.tiny_model import SIZE, save_checkpoint


def test_whole_image_matches_mmseg_inferencer(tiny_config, tiny_checkpoint,
                                              tmp_path):
    img = random_image()
    parser = FaceParser(tiny_config, tiny_checkpoint, batch_size=2)
    labels = parser.parse(img)
    assert labels.shape == (90, 70) and labels.dtype == np.uint8
    inferencer = MMSegInferencer(
        model=tiny_config, weights=tiny_checkpoint, device='cpu')
    expected = inferencer(img)['predictions']
    np.testing.assert_array_equal(labels, expected)
    # a list gives a list, in order, whatever the batch size
    path = tmp_path / 'img.png'
    Image.fromarray(img[..., ::-1]).save(path)
    batch = parser.parse([str(path), random_image(seed=2), img])
    assert len(batch) == 3
    np.testing.assert_array_equal(batch[0], labels)
    np.testing.assert_array_equal(batch[2], labels)


def test_mmseg_inferencer_uses_the_checkpoint_classes(tiny_config, tiny_model,
                                                      tmp_path):
    names = [f'part{i}' for i in range(19)]
    palette = [[i, 2 * i, 3 * i] for i in range(19)]
    ckpt = save_checkpoint(tiny_model, tmp_path / 'named.pth', names, palette)
    inferencer = MMSegInferencer(model=tiny_config, weights=ckpt, device='cpu')
    img = random_image()
    result = inferencer(img, out_dir=str(tmp_path / 'out'), return_vis=True)
    assert list(inferencer.model.dataset_meta['classes']) == names
    assert list(inferencer.visualizer.dataset_meta['classes']) == names
    assert inferencer.visualizer.dataset_meta['palette'] == palette
    pred = np.array(Image.open(tmp_path / 'out/pred/00000000_pred.png'))
    np.testing.assert_array_equal(pred, result['predictions'])
    assert os.listdir(tmp_path / 'out/vis')
    parser = FaceParser(tiny_config, ckpt)
    assert list(parser.classes) == names and parser.palette == palette


def test_class_names_never_fall_back_to_cityscapes(tiny_config, tiny_model,
                                                   tmp_path):
    bare = save_checkpoint(tiny_model, tmp_path / 'bare.pth', classes=None)
    with pytest.warns(UserWarning, match='dataset_meta'):
        parser = FaceParser(tiny_config, bare)
    assert parser.classes == CELEBAMASK_HQ_CLASSES
    assert parser.palette[8] == list(FACE_PALETTE['l_eye'])
    no_palette = save_checkpoint(
        tiny_model, tmp_path / 'nopal.pth', palette=None)
    assert FaceParser(tiny_config,
                      no_palette).palette[9] == list(FACE_PALETTE['r_eye'])
    wrong = save_checkpoint(tiny_model, tmp_path / 'wrong.pth',
                            CELEBAMASK_HQ_CLASSES[:11])
    with pytest.raises(ValueError, match='wrong.pth'):
        FaceParser(tiny_config, wrong)
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        FaceParser(tiny_config, str(tmp_path / 'missing.pth'))
    with pytest.raises(FileNotFoundError, match='nope.py'):
        FaceParser(str(tmp_path / 'nope.py'))


def test_in_the_wild_pastes_each_face_back(tiny_config, tiny_checkpoint):
    # two overlapping boxes; the second face is the more confident one
    detector = boxes_detector(([100, 100, 200, 200], 0.9),
                              ([150, 150, 250, 250], 0.8))
    parser = FaceParser(
        tiny_config,
        tiny_checkpoint,
        detector=detector,
        crop_mode='box',
        margin=0.0)
    parser.runner.run = fake_run([3.0, 6.0])
    labels, faces = parser.parse(random_image(300, 400), return_faces=True)
    assert len(faces) == 2
    # face 1 keeps [100, 200)^2 minus the overlap, face 2 all [150, 250)^2
    assert (labels == 2).sum() == 100 * 100
    assert (labels == 1).sum() == 100 * 100 - 50 * 50
    assert (labels[150:250, 150:250] == 2).all()
    assert (labels[100:150, 100:200] == 1).all()
    assert (labels > 0).sum() == 100 * 100 + 100 * 100 - 50 * 50


def test_faces_at_the_border_are_clipped(tiny_config, tiny_checkpoint):
    parser = FaceParser(
        tiny_config,
        tiny_checkpoint,
        detector=boxes_detector(([-30, 20, 50, 100], 1.0)),
        crop_mode='box',
        margin=0.0)
    parser.runner.run = fake_run([5.0])
    labels = parser.parse(random_image(120, 160))
    assert (labels == 1).sum() == 50 * 80
    assert (labels[20:100, :50] == 1).all()


def test_landmarks_reach_the_model_in_the_network_frame(
        tiny_config, tiny_checkpoint):
    points = np.array(
        [[150, 150], [100, 120], [180, 130], [120, 190], [170, 180]],
        np.float32)
    parser = FaceParser(
        tiny_config,
        tiny_checkpoint,
        detector=boxes_detector(([100, 100, 200, 200], 1.0, points)),
        crop_mode='box',
        margin=0.5)
    seen = record_landmarks(parser.model)
    parser.parse(random_image(300, 400))
    # the crop [50, 250]^2 of pixel indices (side 200), i.e. [50.5, 250.5]
    # in the landmarks' frame (pixel edges at integers) -> 64 x 64, scaled
    # as training scales landmarks (p * s)
    expected = (points - 50.5) * SIZE / 200
    np.testing.assert_allclose(seen[0], expected, atol=1e-4)
    assert seen[0][0].tolist() == pytest.approx([31.84, 31.84])

    # crop_mode='none': the whole 300 x 400 image, best face's points
    seen.clear()
    parser.crop_mode = 'none'
    labels = parser.parse(random_image(300, 400))
    assert labels.shape == (300, 400)
    expected = points * np.array([SIZE / 400, SIZE / 300])
    np.testing.assert_allclose(seen[0], expected, atol=1e-4)


def test_auto_crop_mode_aligns_unless_the_model_aligns_itself(
        tiny_config, tiny_checkpoint):
    points = np.array(
        [[130, 140], [170, 140], [150, 160], [135, 180], [165, 180]],
        np.float32)
    face = FaceDetection([100, 100, 200, 210], 1.0, points)
    parser = FaceParser(tiny_config, tiny_checkpoint)
    matrix, size = parser.cropper.geometry(face)
    # the CelebA-HQ frame: half-side max(2 * 40, 1.8 * 40) = 80; sampled at
    # its own resolution, within [network size, 2 x network size]
    assert size == 128
    assert size / np.sqrt(np.linalg.det(matrix[:, :2])) == pytest.approx(160)
    # a model with align_cfg (LaPa's) aligns faces itself: upright crops
    assert not parser.cropper.model_aligns
    parser.cropper.model_aligns = True
    matrix, size = parser.cropper.geometry(face)
    frame = box_frame(face.box, parser.margin)
    np.testing.assert_allclose(matrix, image_to_crop_matrix(frame, size))
    assert size / np.sqrt(np.linalg.det(matrix[:, :2])) == pytest.approx(110 *
                                                                         1.8)


def test_group_photo_end_to_end(tiny_config, tiny_checkpoint):
    parser = FaceParser(
        tiny_config, tiny_checkpoint, detector='mtcnn', batch_size=2)
    photo = group_photo()
    labels, faces = parser.parse(photo, return_faces=True)
    assert labels.shape == photo.shape[:2]
    assert len(faces) == len(PLACEMENTS)
    # labels only near the faces: within 1.5 crop sides of a face centre
    ys, xs = np.nonzero(labels)
    assert len(ys) > 0
    centres = np.array([((f.box[:2] + f.box[2:]) / 2) for f in faces])
    sides = np.array([max(f.box[2:] - f.box[:2]) for f in faces])
    dist = np.linalg.norm(
        np.stack([xs, ys], 1)[:, None] - centres[None], axis=-1)
    assert (dist < 2.5 * sides[None]).any(axis=1).all()
    for face in faces:
        x1, y1, x2, y2 = face.box.astype(int)
        assert (labels[y1:y2, x1:x2] > 0).mean() > 0.5


def test_images_without_faces(tiny_config, tiny_checkpoint):
    blank = np.full((80, 100, 3), 127, np.uint8)
    empty = FaceParser(tiny_config, tiny_checkpoint, detector=lambda image: [])
    labels, faces = empty.parse(blank, return_faces=True)
    assert faces == [] and not labels.any() and labels.shape == (80, 100)
    whole = FaceParser(
        tiny_config,
        tiny_checkpoint,
        detector=lambda image: [],
        if_no_face='whole')
    np.testing.assert_array_equal(
        whole.parse(blank),
        FaceParser(tiny_config, tiny_checkpoint).parse(blank))


def test_bad_arguments(tiny_config, tiny_checkpoint):
    with pytest.raises(ValueError, match='crop_mode'):
        FaceParser(tiny_config, tiny_checkpoint, crop_mode='tight')
    with pytest.raises(ValueError, match='if_no_face'):
        FaceParser(tiny_config, tiny_checkpoint, if_no_face='skip')
    with pytest.raises(ValueError, match='batch_size'):
        FaceParser(tiny_config, tiny_checkpoint, batch_size=0)
    with pytest.raises(ValueError, match='amp'):
        FaceParser(tiny_config, tiny_checkpoint, amp='fp8')
    parser = FaceParser(
        tiny_config,
        tiny_checkpoint,
        detector=boxes_detector(([10, 10, 40, 40], 1.0)),
        crop_mode='align')
    with pytest.raises(ValueError, match='landmarks'):
        parser.parse(random_image())
    with pytest.raises(ValueError, match='no detector'):
        FaceParser(tiny_config, tiny_checkpoint).detect(random_image())


def test_mixed_precision_runs_in_bf16_and_agrees_with_fp32(
        tiny_config, tiny_checkpoint, monkeypatch):
    img = random_image(seed=3)
    fp32 = FaceParser(tiny_config, tiny_checkpoint).parse(img)
    parser = FaceParser(tiny_config, tiny_checkpoint, amp='bf16')
    logit_dtypes = []
    encode_decode = parser.model.encode_decode

    def spy(*args, **kwargs):
        logits = encode_decode(*args, **kwargs)
        logit_dtypes.append(logits.dtype)
        return logits

    monkeypatch.setattr(parser.model, 'encode_decode', spy)
    bf16 = parser.parse(img)
    assert logit_dtypes == [torch.bfloat16]
    assert (bf16 == fp32).mean() > 0.9


def test_compiled_model_gives_the_same_labels(tiny_config, tiny_checkpoint):
    """``compile=True`` wraps both parts in ``torch.compile``; a dict goes
    to ``torch.compile`` as its arguments. The labels are checked through a
    backend that records the graphs it gets and runs them as they are
    (inductor's own code generation is torch's to test, and takes most of
    a minute on a cold cache)."""
    img = random_image(seed=4)
    eager = FaceParser(tiny_config, tiny_checkpoint).parse(img)
    parser = FaceParser(tiny_config, tiny_checkpoint, compile=True)
    assert hasattr(parser.model.extract_feat, '_torchdynamo_orig_callable')
    assert hasattr(parser.model.decode_head.forward,
                   '_torchdynamo_orig_callable')
    graphs = []

    def recording_backend(graph_module, example_inputs):
        graphs.append(graph_module)
        return graph_module.forward

    parser = FaceParser(
        tiny_config, tiny_checkpoint, compile=dict(backend=recording_backend))
    np.testing.assert_array_equal(parser.parse(img), eager)
    assert len(graphs) >= 2  # backbone + neck, and the head


def test_public_steps_rebuild_an_in_the_wild_prediction(
        tiny_config, tiny_checkpoint):
    # crop_face + parse_crops + paster give what predict gives
    landmarks = np.array(
        [[120, 130], [170, 130], [145, 155], [125, 180], [165, 180]],
        np.float64)
    face = FaceDetection([100, 100, 200, 210], 0.9, landmarks)
    parser = FaceParser(
        tiny_config,
        tiny_checkpoint,
        detector=boxes_detector((face.box, face.score, face.landmarks)))
    image = random_image(300, 400)
    expected = parser.predict(image, probs=True)
    crop = parser.crop_face(image, face)
    probs, = parser.parse_crops([crop])
    size = crop.image.shape[0]
    assert probs.shape == (19, size, size)
    paster = parser.paster(image.shape[:2], probs=True)
    paster.paste(face, crop.matrix, probs)
    result = paster.result()
    np.testing.assert_array_equal(result.labels, expected.labels)
    np.testing.assert_allclose(result.probs, expected.probs, atol=1e-6)
