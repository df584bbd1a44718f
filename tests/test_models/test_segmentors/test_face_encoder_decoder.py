# Copyright (c) segface-mmseg contributors. All rights reserved.
"""FaceEncoderDecoder's landmark alignment (SegFace's LaPa models)."""
from unittest import mock

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import ConfigDict
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from segface_mmseg.checkpoints import convert_segface_state_dict
from segface_mmseg.models.utils.face_warp import FaceWarp, standard_face_points
from tests.helpers.official_weights import synthetic_official_state_dict
from tests.helpers.utils import build_model, load_config

CONFIG = 'segface/segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py'
SIZE = 64
PRINT_LOG = 'segface_mmseg.models.segmentors.face_encoder_decoder.print_log'


def _config(align_cfg=dict(warp_factor=0.8, face_scale=1.0)):
    cfg = load_config(CONFIG)
    cfg.model.decode_head.num_classes = 11
    cfg.model.data_preprocessor.size = (SIZE, SIZE)
    cfg.model.align_cfg = align_cfg
    return cfg


@pytest.fixture(scope='module')
def model():
    # synthetic official weights: logits well away from uniform
    model = build_model(_config())
    official = synthetic_official_state_dict('mobilenet', 11, seed=7)
    model.load_state_dict(convert_segface_state_dict(official))
    model.eval()
    return model


def _landmarks(seed, scale=0.8, angle=15.0):
    """A plausible rotated, scaled and shifted 5-point face."""
    rng = np.random.RandomState(seed)
    points = (standard_face_points().numpy() + 1) * SIZE / 2
    theta = np.radians(angle)
    rot = np.array([[np.cos(theta), -np.sin(theta)],
                    [np.sin(theta), np.cos(theta)]])
    centre = np.array([SIZE / 2, SIZE / 2])
    return ((points - centre) @ rot.T * scale + centre +
            rng.uniform(-3, 3, 2)).astype(np.float32)


def _samples(landmarks, with_labels=False, seed=0):
    gen = torch.Generator().manual_seed(seed)
    samples = []
    for i, points in enumerate(landmarks):
        meta = dict(
            img_path=f'face_{i}.jpg',
            img_shape=(SIZE, SIZE),
            ori_shape=(SIZE, SIZE),
            pad_shape=(SIZE, SIZE))
        if points is not None:
            meta['landmarks'] = points
        sample = SegDataSample(metainfo=meta)
        if with_labels:
            sample.gt_sem_seg = PixelData(
                data=torch.randint(0, 11, (1, SIZE, SIZE), generator=gen))
        samples.append(sample)
    return samples


def _plain_logits(model, inputs):
    """The unaligned network, by hand."""
    return model.decode_head.forward(model.extract_feat(inputs))


def test_identity_alignment_is_a_half_pixel_shift():
    # landmarks already on the standard points: the similarity is the
    # identity, and with warp_factor 0 only SegFace's half-pixel convention
    # remains: pixel index i is sampled at i - 0.5, i.e. each output pixel
    # averages its 2 x 2 neighbourhood up and left (zeros outside)
    h, w = 8, 12
    target = (standard_face_points() + 1) * torch.tensor([w - 1, h - 1]) / 2
    warp = FaceWarp(target[None], (h, w), warp_factor=0.0)
    image = torch.rand(1, 2, h, w)
    padded = F.pad(image, (1, 0, 1, 0))
    expected = (padded[..., :-1, :-1] + padded[..., :-1, 1:] +
                padded[..., 1:, :-1] + padded[..., 1:, 1:]) / 4
    torch.testing.assert_close(warp.warp(image), expected, atol=1e-5, rtol=0)
    torch.testing.assert_close(warp.unwarp(image), expected, atol=1e-5, rtol=0)


def test_images_without_landmarks_run_unaligned_and_say_so_once(model):
    inputs = torch.randn(2, 3, SIZE, SIZE)
    aligned_alone = _samples([_landmarks(0)])
    mixed = _samples([_landmarks(0), None])
    model._warned_unaligned = False
    with torch.no_grad(), mock.patch(PRINT_LOG) as log:
        alone = model(inputs[:1], aligned_alone, mode='tensor')
        assert log.call_count == 0
        out = model(inputs, mixed, mode='tensor')
        out_again = model(inputs, mixed, mode='tensor')
        plain = _plain_logits(model, inputs)
    assert log.call_count == 1
    assert 'run unaligned' in log.call_args[0][0]
    torch.testing.assert_close(out[:1], alone, atol=1e-5, rtol=0)
    torch.testing.assert_close(out[1:], plain[1:], atol=1e-5, rtol=0)
    torch.testing.assert_close(out, out_again)
    # alignment does change the aligned image's logits
    assert (out[0] - plain[0]).abs().max() > 1e-2


def test_predict_warps_logits_back_into_the_image_frame(model):
    inputs = torch.randn(1, 3, SIZE, SIZE)
    samples = _samples([_landmarks(1)])
    warp = FaceWarp(
        torch.from_numpy(_landmarks(1))[None], (SIZE, SIZE), warp_factor=0.8)
    with torch.no_grad():
        by_hand = warp.unwarp(_plain_logits(model, warp.warp(inputs)))
        results = model.predict(inputs, samples)
    torch.testing.assert_close(
        results[0].seg_logits.data, by_hand[0], atol=1e-5, rtol=0)
    assert torch.equal(results[0].net_pred_sem_seg.data[0],
                       by_hand[0].argmax(0))


def test_loss_is_on_the_warped_back_logits(model):
    inputs = torch.randn(2, 3, SIZE, SIZE)
    landmarks = [_landmarks(2), _landmarks(3, scale=1.1, angle=-10)]
    samples = _samples(landmarks, with_labels=True)
    warp = FaceWarp(
        torch.from_numpy(np.stack(landmarks)), (SIZE, SIZE), warp_factor=0.8)
    losses = model.loss(inputs, samples)
    by_hand = model.decode_head.loss_by_feat(
        warp.unwarp(_plain_logits(model, warp.warp(inputs))), samples)
    unaligned = model.decode_head.loss_by_feat(
        _plain_logits(model, inputs), samples)
    for name in ('loss_ce', 'loss_dice'):
        torch.testing.assert_close(losses[f'decode.{name}'], by_hand[name])
        assert not torch.allclose(losses[f'decode.{name}'], unaligned[name])
    model.zero_grad()
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    assert model.decode_head.class_tokens.weight.grad.abs().sum() > 0
    assert all(p.grad is not None for p in model.backbone.parameters()
               if p.requires_grad)


def test_bad_landmarks_name_the_image(model):
    samples = _samples([np.zeros((4, 2), np.float32)])
    with pytest.raises(ValueError, match=r'face_0\.jpg'):
        model(torch.randn(1, 3, SIZE, SIZE), samples, mode='tensor')


@pytest.mark.parametrize('align_cfg,message', [
    (dict(warp_factor=0.8, scale=2), 'unknown align_cfg keys'),
    (dict(warp_factor=1.5), 'warp_factor'),
    (dict(face_scale=0), 'face_scale'),
])
def test_bad_align_cfg(align_cfg, message):
    with pytest.raises(ValueError, match=message):
        build_model(_config(align_cfg))


def test_slide_inference_is_refused_with_alignment():
    cfg = _config()
    cfg.model.test_cfg = ConfigDict(
        mode='slide', crop_size=(32, 32), stride=(16, 16))
    with pytest.raises(ValueError, match='whole'):
        build_model(cfg)


@pytest.mark.parametrize('size', [224, 256, 448, 512])
def test_lapa_configs_align_as_segface(size):
    cfg = load_config(
        f'segface/segface_swin-b_8xb4-300e_lapa-{size}x{size}.py')
    assert cfg.model.type == 'FaceEncoderDecoder'
    assert cfg.model.align_cfg == dict(warp_factor=0.8, face_scale=1.0)
