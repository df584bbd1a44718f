# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Fake downloads -> converters -> datasets -> config pipelines -> model ->
FaceParsingMetric, as ``tools/train.py`` and ``tools/test.py`` run them."""
import re

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmengine.structures import PixelData
from mmseg.registry import DATASETS, METRICS
from PIL import Image

from segface_mmseg.datasets.preparation import (convert_celebamask_hq,
                                                convert_helen, convert_lapa)
from segface_mmseg.evaluation import FaceParsingMetric
from tests.helpers.data_generators import (make_fake_celebamask_hq,
                                           make_fake_helen, make_fake_lapa)
from tests.helpers.utils import load_config

SIZE = 32


def _convert(name, tmp_path):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / name)
    if name == 'celebamask_hq':
        make_fake_celebamask_hq(raw, image_size=64, mask_size=32)
        convert_celebamask_hq(raw, out, image_size=64, mask_size=32)
    elif name == 'lapa':
        make_fake_lapa(raw)
        convert_lapa(raw, out)
    else:
        make_fake_helen(raw)
        convert_helen(raw, out)
    return out


def _resize_to(pipeline, size):
    for t in pipeline:
        if t.type in ('Resize', 'ResizeWithLandmarks'):
            t.scale = (size, size)
        for branch in t.get('transforms', []):
            _resize_to(branch, size)


def _tiny(config, data_root, work_dir, max_iters=1):
    """The dataset recipe of ``config`` with a small MobileNetV3 model."""
    cfg = load_config(config)
    mobilenet = load_config(
        'segface/segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py')
    cfg.model.backbone = mobilenet.model.backbone
    cfg.model.neck.in_channels = mobilenet.model.neck.in_channels
    cfg.model.data_preprocessor.size = (SIZE, SIZE)
    cfg.work_dir = str(work_dir)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].num_workers = 0
        cfg[loader].persistent_workers = False
        cfg[loader].dataset.data_root = data_root
        _resize_to(cfg[loader].dataset.pipeline, SIZE)
    _resize_to(cfg.tta_pipeline, SIZE)
    cfg.train_dataloader.batch_size = 2
    cfg.train_cfg = dict(
        type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
    cfg.param_scheduler = [dict(type='ConstantLR', factor=1., by_epoch=False)]
    cfg.default_hooks.checkpoint = dict(
        type='CheckpointHook', by_epoch=False, interval=max_iters)
    cfg.default_hooks.logger.interval = 1
    cfg.randomness = dict(seed=0)
    cfg.env_cfg.cudnn_benchmark = False
    return cfg


@pytest.fixture
def fast_config_dump(monkeypatch):
    """Skip formatting the config for the log: yapf takes seconds."""
    monkeypatch.setattr(Config, 'pretty_text',
                        property(lambda self: repr(self._cfg_dict)))


def test_train_and_test_on_converted_lapa(tmp_path, capsys, fast_config_dump):
    """``tools/train.py`` then ``tools/test.py`` with the LaPa recipe (the
    random affine, landmarks) on a small model."""
    init_default_scope('mmseg')
    data_root = _convert('lapa', tmp_path)
    cfg = _tiny('segface_swinb_lapa.py', data_root, tmp_path / 'work')
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    for key in ('mF1', 'mIoU', 'aAcc', 'mF1_native', 'mIoU_native'):
        assert 0 <= metrics[key] <= 100
    # the paper-protocol table with the dataset's class names
    log = capsys.readouterr().out
    assert 'per-class results at network input (paper) resolution' in log
    assert re.search(r'\|\s+l_brow\s+\|', log)


@METRICS.register_module(name='_RecordMetainfoMetric', force=True)
class _RecordMetainfo(FaceParsingMetric):
    """The metric, also keeping the metainfo of what it scores."""
    seen = []

    def process(self, data_batch, data_samples):
        _RecordMetainfo.seen += [(s['img_shape'], s.get('landmarks'))
                                 for s in data_samples]
        super().process(data_batch, data_samples)


def test_tta_test_on_converted_helen(tmp_path, fast_config_dump):
    """``tools/test.py --tta`` with the Helen recipe: tta_model wraps the
    model, tta_pipeline feeds it; landmarks reach the model."""
    init_default_scope('mmseg')
    data_root = _convert('helen', tmp_path)
    cfg = _tiny('segface_swinb_helen.py', data_root, tmp_path / 'work')
    cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
    cfg.tta_model.module = cfg.model
    cfg.model = cfg.tta_model
    cfg.test_evaluator.type = '_RecordMetainfoMetric'
    runner = Runner.from_cfg(cfg)
    _RecordMetainfo.seen = []
    metrics = runner.test()
    assert 0 <= metrics['mF1'] <= 100
    assert {'F1@eyes', 'F1@brows', 'F1@mouth', 'F1@overall'} <= set(metrics)
    assert len(_RecordMetainfo.seen) == 1
    for shape, landmarks in _RecordMetainfo.seen:
        assert tuple(shape) == (SIZE, SIZE)
        assert landmarks.shape == (5, 2)


@pytest.mark.parametrize('name, config', [
    ('celebamask_hq', 'segface_swinb_celeba.py'),
    ('lapa', 'segface_swinb_lapa.py'),
    ('helen', 'segface_swinb_helen.py'),
])
def test_test_pipeline_and_metric_on_converted_data(tmp_path, name, config):
    """Perfect predictions score 100 at both resolutions; landmarks end up
    in the network input frame."""
    init_default_scope('mmseg')
    data_root = _convert(name, tmp_path)
    cfg = load_config(config)
    dataset = cfg.test_dataloader.dataset
    dataset.data_root = data_root
    dataset = DATASETS.build(dataset)
    assert len(dataset) > 0
    metric = FaceParsingMetric()
    metric.dataset_meta = dataset.metainfo
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        sample = dataset[i]['data_samples']
        net_h, net_w = sample.metainfo['img_shape']
        assert (net_h, net_w) == tuple(cfg.model.data_preprocessor.size)
        label = sample.gt_sem_seg.data
        h, w = sample.metainfo['ori_shape']
        assert tuple(label.shape[1:]) == (h, w)  # native
        if name != 'celebamask_hq':
            np.testing.assert_allclose(
                sample.metainfo['landmarks'],
                info['landmarks'] * [net_w / w, net_h / h],
                rtol=1e-5)
        # prediction = label, at native size and resized (PIL nearest, as
        # the official resizes labels) to the network size
        net = torch.from_numpy(
            np.asarray(
                Image.fromarray(label[0].numpy().astype(np.uint8)).resize(
                    (net_w, net_h), Image.NEAREST)))[None]
        sample.pred_sem_seg = PixelData(data=label)
        sample.net_pred_sem_seg = PixelData(data=net)
        metric.process({}, [sample.to_dict()])
    results = metric.compute_metrics(metric.results)
    assert results['mF1_native'] == results['mF1'] == 100.
