# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The network sees what the official test loader gives it.

Raw downloads of the three datasets (photo-like images) go through the
converters, the released configs' test pipelines and the data
preprocessor; the official loader (restated in ``tests/official_protocol``)
reads the same raw files. At every released resolution, image tensors agree
to 1e-5, the paper-protocol labels (:class:`FaceParsingMetric`'s) are
equal and the landmarks agree to 1e-4.
"""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import DATASETS, MODELS, TRANSFORMS

from segface_mmseg.datasets.preparation import (convert_celebamask_hq,
                                                convert_helen, convert_lapa)
from segface_mmseg.datasets.transforms import RandomFaceAffine
from segface_mmseg.evaluation import FaceParsingMetric
from tests.helpers import official_protocol as official
from tests.helpers.data_generators import (make_fake_celebamask_hq,
                                           make_fake_helen, make_fake_lapa)
from tests.helpers.utils import load_config

RESOLUTIONS = (224, 256, 448, 512)
CONFIGS = dict(
    celebamask_hq='segface/segface_swin-b_8xb4-300e_celebamask-hq-{r}x{r}.py',
    lapa='segface/segface_swin-b_8xb4-300e_lapa-{r}x{r}.py',
    # only released at 512; the other sizes by changing the resize
    helen='segface/segface_swin-b_8xb2-300e_helen-512x512.py')
HELEN_BOXES = {
    'train': {
        '100_1': (60, 50, 230, 220)
    },
    'test': {
        '200_1': (70, 40, 210, 200),
        '300_1': (-20, 30, 150, 250)  # clipped: a non-square crop
    }
}


@pytest.fixture(scope='module')
def downloads(tmp_path_factory):
    """Raw downloads, their conversions, and the official sample readers."""
    root = tmp_path_factory.mktemp('downloads')
    raw = {name: str(root / 'raw' / name) for name in CONFIGS}
    out = {name: str(root / name) for name in CONFIGS}
    make_fake_celebamask_hq(
        raw['celebamask_hq'],
        splits={
            'train': [0],
            'val': [1],
            'test': [2000, 4001]
        },
        image_size=1024,
        mask_size=512,
        photo_like=True)
    convert_celebamask_hq(raw['celebamask_hq'], out['celebamask_hq'])
    make_fake_lapa(
        raw['lapa'], sizes=((250, 180), (170, 230)), photo_like=True)
    convert_lapa(raw['lapa'], out['lapa'])
    helen = make_fake_helen(
        raw['helen'], HELEN_BOXES, size=(300, 260), photo_like=True)
    convert_helen(raw['helen'], out['helen'])
    points68 = {n: p * 2 for n, p in helen['landmarks68'].items()}
    readers = dict(
        celebamask_hq=lambda split, name, r: official.celebamask_hq_sample(
            raw['celebamask_hq'], int(name), r),
        lapa=lambda split, name, r: official.lapa_sample(
            raw['lapa'], split, name, r),
        helen=lambda split, name, r: official.helen_sample(
            raw['helen'], split, name, r, points68[name]))
    return dict(raw=raw, out=out, readers=readers)


def _config(name, resolution):
    cfg = load_config(CONFIGS[name].format(r=resolution))
    cfg.model.data_preprocessor.size = (resolution, resolution)
    for loader in ('train_dataloader', 'test_dataloader'):
        for t in cfg[loader].dataset.pipeline:
            if t.type in ('Resize', 'ResizeWithLandmarks'):
                t.scale = (resolution, resolution)
    return cfg


def _plugin_samples(cfg, loader, data_root):
    """(name, network input, data sample) of each sample of a loader."""
    init_default_scope('mmseg')
    dataset = cfg[loader].dataset
    dataset.data_root = data_root
    dataset = DATASETS.build(dataset)
    preprocessor = MODELS.build(cfg.model.data_preprocessor)
    assert len(dataset) > 0
    for i in range(len(dataset)):
        data = preprocessor(
            dict(
                inputs=[dataset[i]['inputs']],
                data_samples=[dataset[i]['data_samples']]))
        sample = data['data_samples'][0]
        name = osp.splitext(osp.basename(sample.img_path))[0]
        yield name, data['inputs'][0], sample, dataset.metainfo


def _label_confusion(sample, label, metainfo):
    """FaceParsingMetric's confusion of its paper-protocol label against
    ``label`` given as the prediction."""
    metric = FaceParsingMetric(native=False)
    metric.dataset_meta = metainfo
    sample.net_pred_sem_seg = PixelData(data=label[None].long())
    metric.process({}, [sample.to_dict()])
    return metric.results[0][0]


@pytest.mark.parametrize('name', sorted(CONFIGS))
@pytest.mark.parametrize('resolution', RESOLUTIONS)
def test_test_inputs_labels_and_landmarks_are_official(downloads, name,
                                                       resolution):
    cfg = _config(name, resolution)
    split = cfg.test_dataloader.dataset.data_prefix.img_path.split('/')[-1]
    seen = 0
    for sample_name, inputs, sample, metainfo in _plugin_samples(
            cfg, 'test_dataloader', downloads['out'][name]):
        image, label, landmarks = downloads['readers'][name](split,
                                                             sample_name,
                                                             resolution)
        assert inputs.shape == image.shape == (3, resolution, resolution)
        diff = (inputs - image).abs().max().item()
        assert diff < 1e-5, (sample_name, diff)
        confusion = _label_confusion(sample, label, metainfo)
        assert confusion.sum() == resolution**2
        assert confusion.sum() == np.trace(confusion), 'labels differ'
        if landmarks is None:
            assert 'landmarks' not in sample
            point_diff = 0.
        else:
            point_diff = (torch.as_tensor(sample.landmarks) -
                          landmarks).abs().max().item()
            assert point_diff < 1e-4, (sample_name, point_diff)
        print(f'{name} {resolution} {sample_name}: max abs difference of '
              f'the inputs {diff:.1e}, of the landmarks {point_diff:.1e}')
        seen += 1
    assert seen == 2


@pytest.mark.parametrize('resolution', (224, 512))
def test_lapa_training_geometry_is_official(downloads, resolution):
    """With the random affine drawn, the training sample (image, label, 5
    landmarks) is the official one."""
    cfg = _config('lapa', resolution)
    params = dict(angle=-17.5, scale=1.35, translate=(6.25, -11.5))
    pipeline = cfg.train_dataloader.dataset.pipeline
    affine = [t for t in pipeline if t.type == 'RandomFaceAffine']
    assert len(affine) == 1
    cfg.train_dataloader.dataset.pipeline = [
        t if t.type != 'RandomFaceAffine' else dict(t, type='_FixedAffine')
        for t in pipeline
    ]
    _FixedAffine.params = params
    seen = 0
    for sample_name, inputs, sample, metainfo in _plugin_samples(
            cfg, 'train_dataloader', downloads['out']['lapa']):
        image, label, landmarks = official.lapa_train_sample(
            downloads['raw']['lapa'], 'train', sample_name, resolution,
            **params)
        diff = (inputs - image).abs().max().item()
        assert diff < 1e-5, (sample_name, diff)
        torch.testing.assert_close(
            sample.gt_sem_seg.data[0], label.long(), atol=0, rtol=0)
        point_diff = (torch.as_tensor(sample.landmarks) -
                      landmarks).abs().max().item()
        assert point_diff < 1e-4, (sample_name, point_diff)
        print(f'lapa training {resolution} {sample_name}: max abs difference '
              f'of the inputs {diff:.1e}, of the landmarks {point_diff:.1e}')
        seen += 1
    assert seen == 2


@TRANSFORMS.register_module(name='_FixedAffine', force=True)
class _FixedAffine(RandomFaceAffine):
    """RandomFaceAffine with given parameters."""
    params = None

    def _sample_params(self):
        return dict(self.params)
