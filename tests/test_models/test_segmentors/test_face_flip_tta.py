# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Flip TTA must swap left/right classes back; mmseg's does not."""
import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from mmseg.models.segmentors import SegTTAModel
from mmseg.registry import DATASETS, MODELS

from segface_mmseg.evaluation import FaceParsingMetric
from tests.helpers.utils import build_model, load_config, write_mmseg_layout

SIZE = 32
L_EYE, R_EYE = 8, 9  # CelebAMask-HQ ids


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    """A small random model, its config, and a fake CelebAMask-HQ batch
    through the config's TTA pipeline (original and mirror view)."""
    init_default_scope('mmseg')
    root = tmp_path_factory.mktemp('celeba')
    write_mmseg_layout(str(root), splits=('val', ), size=SIZE, num_images=2)
    cfg = load_config(
        'segface/segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py')
    cfg.model.data_preprocessor.size = (SIZE, SIZE)
    cfg.tta_pipeline[1].transforms[0][0].scale = (SIZE, SIZE)
    dataset = cfg.test_dataloader.dataset
    dataset.update(
        data_root=str(root),
        data_prefix=dict(img_path='img_dir/val', seg_map_path='ann_dir/val'),
        pipeline=cfg.tta_pipeline)
    dataset = DATASETS.build(dataset)
    batch = pseudo_collate([dataset[0], dataset[1]])
    model = build_model(cfg).eval()
    return cfg, model, batch


def _tta(cfg, model):
    return MODELS.build(dict(cfg.tta_model, module=model))


def _side_prior(inputs, batch_img_metas):
    """A 'perfect' model of frontal faces: the eye on the image's right is
    the subject's left eye. On a mirror image it does the same, which is
    right for the mirror image."""
    b, _, h, w = inputs.shape
    logits = torch.zeros(b, 19, h, w)
    logits[:, L_EYE, :, w // 2:] = 5.
    logits[:, R_EYE, :, :w // 2] = 5.
    return logits


def test_tta_model_and_pairs_from_config(setup):
    cfg, model, _ = setup
    tta = _tta(cfg, model)
    assert type(tta).__name__ == 'FaceFlipTTAModel'
    assert tta.swap_seg_labels == [(4, 5), (6, 7), (8, 9)]
    assert tta._swap_index(10).tolist() == [0, 1, 2, 3, 5, 4, 7, 6, 9, 8]


def test_flip_tta_keeps_left_and_right(setup, monkeypatch):
    cfg, model, batch = setup
    monkeypatch.setattr(model, 'encode_decode', _side_prior)
    expected = torch.full((1, SIZE, SIZE), R_EYE)
    expected[..., SIZE // 2:] = L_EYE
    with torch.no_grad():
        merged = _tta(cfg, model).test_step(batch)
        mixed = SegTTAModel(module=model).test_step(batch)
    assert [m.metainfo['flip'] for m in merged] == [False, False]
    for sample in merged:
        assert torch.equal(sample.pred_sem_seg.data, expected)
        assert torch.equal(sample.net_pred_sem_seg.data, expected)
        # both views agree: the averaged probability of the winner is the
        # single view's
        assert sample.seg_logits.data.max(0).values.min() > 0.2
    # mmseg's flip TTA averages l_eye with r_eye: ties everywhere
    for sample in mixed:
        assert not torch.equal(sample.pred_sem_seg.data, expected)
    # scored as the paper: perfect on both eyes
    metric = FaceParsingMetric()
    metric.dataset_meta = dict(classes=tuple(f'c{i}' for i in range(19)))
    for sample in merged:
        sample.gt_sem_seg.data = expected
    metric.process({}, [s.to_dict() for s in merged])
    scores = FaceParsingMetric.scores_from_confusion(
        np.sum([r[0] for r in metric.results], axis=0))
    assert scores['F1'][L_EYE] == scores['F1'][R_EYE] == 100.


class _AsymmetricNet(torch.nn.Module):
    """A cheap stand-in for the network: a random 3 x 3 conv plus a random
    per-position bias, so a mirror image gives other logits."""

    def __init__(self):
        super().__init__()
        gen = torch.Generator().manual_seed(0)
        self.conv = torch.nn.Conv2d(3, 19, 3, padding=1)
        with torch.no_grad():
            self.conv.weight.copy_(torch.randn(19, 3, 3, 3, generator=gen))
        self.bias = torch.randn(19, SIZE, SIZE, generator=gen)

    def forward(self, inputs):
        return self.conv(inputs) + self.bias


def test_flip_tta_averages_swapped_probabilities(setup, monkeypatch):
    cfg, model, batch = setup
    net = _AsymmetricNet()
    monkeypatch.setattr(model, 'encode_decode',
                        lambda inputs, batch_img_metas: net(inputs))
    with torch.no_grad():
        merged = _tta(cfg, model).test_step(batch)
        # the same by hand: the network on the image and on its mirror
        data = model.data_preprocessor(
            dict(inputs=batch['inputs'][0], data_samples=None), False)
        probs = net(data['inputs']).softmax(1)
        mirror = net(data['inputs'].flip(3)).softmax(1).flip(3)
    swap = list(range(19))
    for left, right in [(4, 5), (6, 7), (8, 9)]:
        swap[left], swap[right] = right, left
    expected = (probs + mirror[:, swap]) / 2
    unswapped = (probs + mirror) / 2
    for i, sample in enumerate(merged):
        torch.testing.assert_close(
            sample.seg_logits.data, expected[i], rtol=0, atol=1e-5)
        assert torch.equal(sample.pred_sem_seg.data[0], expected[i].argmax(0))
        assert torch.equal(sample.net_pred_sem_seg.data[0],
                           expected[i].argmax(0))
        assert not torch.equal(sample.pred_sem_seg.data[0],
                               unswapped[i].argmax(0))
        assert torch.equal(sample.gt_sem_seg.data,
                           batch['data_samples'][0][i].gt_sem_seg.data)


def test_flip_tta_rejects_vertical_flips(setup, monkeypatch):
    cfg, model, batch = setup
    monkeypatch.setattr(model, 'encode_decode', _side_prior)
    for sample in batch['data_samples'][1]:
        sample.set_metainfo(dict(flip_direction='vertical'))
    with pytest.raises(ValueError, match='horizontal flips only'):
        with torch.no_grad():
            _tta(cfg, model).test_step(batch)
    for sample in batch['data_samples'][1]:
        sample.set_metainfo(dict(flip_direction='horizontal'))
