# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Head and LaPa-warp parity with the official SegFace implementation.

``tests/data/golden/segface_official_mobilenet_64.npz`` holds inputs,
landmarks, warp grids and logits produced once by the official models
(MobileNetV3, 64 x 64; see the README there). The weights are not stored:
they are :func:`synthetic_official_state_dict` with the stored seed, which
the official models were loaded with.
"""
import os.path as osp

import numpy as np
import pytest
import torch
from mmseg.structures import SegDataSample

from segface_mmseg.checkpoints import convert_segface_state_dict
from segface_mmseg.models.utils.face_warp import (face_align_matrix,
                                                  inverted_tanh_warp_grid,
                                                  tanh_warp_grid)
from tests.helpers.official_weights import synthetic_official_state_dict
from tests.helpers.utils import REPO_ROOT, build_model, load_config

GOLDEN = osp.join(REPO_ROOT, 'tests', 'data', 'golden',
                  'segface_official_mobilenet_64.npz')
CONFIG = 'segface/segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py'
LAPA_ALIGN = dict(warp_factor=0.8, face_scale=1.0)


@pytest.fixture(scope='module')
def golden():
    with np.load(GOLDEN) as data:
        return {k: data[k] for k in data.files}


def _model(num_classes, size, seed, align_cfg=None):
    cfg = load_config(CONFIG)
    cfg.model.decode_head.num_classes = num_classes
    cfg.model.data_preprocessor.size = (size, size)
    cfg.model.align_cfg = align_cfg
    model = build_model(cfg)
    official = synthetic_official_state_dict('mobilenet', num_classes, seed)
    model.load_state_dict(convert_segface_state_dict(official), strict=True)
    model.eval()
    return model


def test_warp_grids_match_official(golden):
    size = int(golden['resolution'])
    matrix = face_align_matrix(
        torch.from_numpy(golden['lapa_landmarks']), (size, size), 1.0)
    grid = tanh_warp_grid(matrix, 0.8, (size, size), (size, size))
    inverse = inverted_tanh_warp_grid(matrix, 0.8, (size, size), (size, size))
    torch.testing.assert_close(
        grid, torch.from_numpy(golden['lapa_grid']), rtol=0, atol=1e-5)
    torch.testing.assert_close(
        inverse,
        torch.from_numpy(golden['lapa_inverse_grid']),
        rtol=0,
        atol=1e-5)


@pytest.mark.parametrize('kind,num_classes,align_cfg',
                         [('celeb', 19, None), ('lapa', 11, LAPA_ALIGN),
                          ('helen', 11, None)])
def test_logits_match_official(golden, kind, num_classes, align_cfg):
    size = int(golden['resolution'])
    model = _model(num_classes, size, int(golden['weight_seed']), align_cfg)
    inputs = torch.from_numpy(golden[f'{kind}_inputs'])
    expected = torch.from_numpy(golden[f'{kind}_logits'])
    samples = []
    for i in range(inputs.shape[0]):
        meta = dict(
            img_shape=(size, size),
            ori_shape=(size, size),
            pad_shape=(size, size))
        if kind == 'lapa':
            meta['landmarks'] = golden['lapa_landmarks'][i]
        samples.append(SegDataSample(metainfo=meta))
    with torch.no_grad():
        logits = model(inputs, samples, mode='tensor')
        predicted = model(inputs, samples, mode='predict')
    assert expected.abs().max() > 1.0  # a non-trivial reference
    assert (logits - expected).abs().max() <= 1e-4
    # whole-image inference and post-processing give the same logits
    for sample, ref in zip(predicted, expected):
        assert (sample.seg_logits.data - ref).abs().max() <= 1e-4
        assert torch.equal(sample.net_pred_sem_seg.data[0], ref.argmax(0))
