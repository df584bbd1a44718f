# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``tools/test.py`` with a converted official checkpoint prints the
official evaluation's numbers.

For each dataset: an official-format checkpoint (MobileNetV3 weights made up
by ``synthetic_official_state_dict``, so the test runs in seconds) is
converted with ``tools/model_converters/segface2mmseg.py``; a generated raw
download is converted with the dataset converter; ``tools/test.py CONFIG
CHECKPOINT`` scores it. The expected numbers come from the official route,
restated in ``tests/official_protocol``: the official test loader on the raw
download, the network's logits on those tensors, bilinear to R x R, softmax,
argmax, and the official validation's histogram, F1, mean F1 and mIoU.
"""
import glob
import os.path as osp
import re
import sys
from functools import partial

import pytest
import torch
from mmengine.config import Config
from mmseg.structures import SegDataSample

from segface_mmseg.datasets.preparation import (convert_celebamask_hq,
                                                convert_helen, convert_lapa)
from tests.helpers import official_protocol as official
from tests.helpers.data_generators import (make_fake_celebamask_hq,
                                           make_fake_helen, make_fake_lapa)
from tests.helpers.official_weights import synthetic_official_state_dict
from tests.helpers.utils import REPO_ROOT, build_model, load_script

MOBILENET = ("dict(_delete_=True, type='mmpretrain.MobileNetV3', "
             "arch='large', out_indices=(3, 6, 12, 16), "
             "norm_cfg=dict(type='BN', eps=1e-3, momentum=0.01))")
# dataset: (config, release folder, classes, resolution)
CASES = dict(
    celebamask_hq=('segface/segface_swin-b_8xb4-300e_celebamask-hq-224x224.py',
                   'celeba_224', 19, 224),
    lapa=('segface/segface_swin-b_8xb4-300e_lapa-224x224.py', 'lapa_224', 11,
          224),
    helen=('segface/segface_swin-b_8xb2-300e_helen-512x512.py', 'helen_512',
           11, 512))
HELEN_MERGED = dict(
    eyes=[4, 5],
    brows=[2, 3],
    mouth=[7, 8, 9],
    overall=[2, 3, 4, 5, 6, 7, 8, 9])


def _tool(*parts):
    return load_script('tools', *parts)


def _download(name, raw, out):
    """Write and convert a raw download; return the official reader of each
    test sample, a function of the resolution."""
    if name == 'celebamask_hq':
        fake = make_fake_celebamask_hq(
            raw,
            splits=dict(train=[0], val=[1], test=[2000, 4001]),
            image_size=1024,
            mask_size=512,
            photo_like=True,
            num_parts=(18, 19))
        convert_celebamask_hq(raw, out)
        return [
            partial(official.celebamask_hq_sample, raw, i)
            for i in fake['splits']['test']
        ]
    if name == 'lapa':
        fake = make_fake_lapa(
            raw, sizes=((250, 180), (170, 230)), photo_like=True)
        convert_lapa(raw, out, splits=('test', ))
        return [
            partial(official.lapa_sample, raw, 'test', n)
            for n in fake['splits']['test']
        ]
    boxes = dict(test={'200_1': (70, 40, 210, 200), '300_1': (0, 5, 120, 90)})
    fake = make_fake_helen(raw, boxes, size=(240, 200), photo_like=True)
    convert_helen(raw, out, splits=('test', ))
    return [
        partial(official.helen_sample, raw, 'test', n, points68=p * 2)
        for n, p in fake['landmarks68'].items()
    ]


def _official_checkpoint(path, num_classes):
    state_dict = synthetic_official_state_dict('mobilenet', num_classes, 7)
    torch.save(dict(epoch=299, state_dict_backbone=state_dict), path)


def _config_file(path, name, data_root):
    """The release config with a MobileNetV3 backbone, reading data_root."""
    config = osp.join(REPO_ROOT, 'configs', CASES[name][0])
    with open(path, 'w') as f:
        f.write(f'_base_ = {config!r}\n'
                f'model = dict(backbone={MOBILENET}, '
                'neck=dict(in_channels=[24, 40, 112, 960]))\n'
                'test_dataloader = dict(num_workers=0, '
                'persistent_workers=False, '
                f'dataset=dict(data_root={data_root!r}))\n')
    return path


def _official_pairs(cfg_path, checkpoint, samples, resolution):
    """(label, prediction) of each sample by the official route, with the
    converted network."""
    model = build_model(Config.fromfile(cfg_path))
    state = torch.load(checkpoint, map_location='cpu', weights_only=True)
    model.load_state_dict(state['state_dict'])
    model.eval()
    pairs = []
    with torch.no_grad():
        for reader in samples:
            image, label, landmarks = reader(resolution)
            meta = dict(
                img_shape=(resolution, resolution),
                ori_shape=(resolution, resolution),
                pad_shape=(resolution, resolution))
            if landmarks is not None:
                meta['landmarks'] = landmarks.numpy()
            logits = model.predict(
                image[None], [SegDataSample(metainfo=meta)])[0].seg_logits.data
            pred = official.predict(logits[None], resolution)[0]
            pairs.append((label.numpy(), pred.numpy()))
    return pairs


def _printed_numbers(log):
    """Per-class F1 of the paper-protocol table and the summary line."""
    table = log.split('at network input (paper) resolution')[1]
    table = table.split('per-class results at native')[0]
    f1 = {
        m.group(1): float(m.group(2))
        for m in re.finditer(r'^\|\s+(\S+)\s+\|\s+(\S+)\s+\|', table, re.M)
        if m.group(1) != 'Class'
    }
    summary = log[log.rindex('Iter(test)'):].splitlines()[0]
    return f1, {
        m.group(1): float(m.group(2))
        for m in re.finditer(r'(\S+): (\S+)', summary)
    }


@pytest.mark.parametrize('name', sorted(CASES))
def test_tools_test_prints_the_official_numbers(tmp_path, monkeypatch, name):
    config, release, num_classes, resolution = CASES[name]
    data_root = str(tmp_path / 'data')
    samples = _download(name, str(tmp_path / 'raw'), data_root)
    src = tmp_path / release / 'model_299.pt'
    src.parent.mkdir()
    _official_checkpoint(str(src), num_classes)
    checkpoint = str(tmp_path / 'converted.pth')
    _tool('model_converters', 'segface2mmseg.py').main([str(src), checkpoint])
    cfg_path = _config_file(str(tmp_path / 'cfg.py'), name, data_root)

    # the log's config dump is formatted by yapf: seconds; skip it
    monkeypatch.setattr(Config, 'pretty_text',
                        property(lambda self: repr(self._cfg_dict)))
    work_dir = str(tmp_path / 'work')
    monkeypatch.setattr(
        sys, 'argv', ['test.py', cfg_path, checkpoint, '--work-dir', work_dir])
    _tool('test.py').main()
    log_file, = glob.glob(osp.join(work_dir, '*', '*.log'))
    with open(log_file) as f:
        printed_f1, printed = _printed_numbers(f.read())

    pairs = _official_pairs(cfg_path, checkpoint, samples, resolution)
    expected = official.official_scores(
        pairs, num_classes, HELEN_MERGED if name == 'helen' else None)
    assert len(printed_f1) == num_classes
    for i, (cls, value) in enumerate(printed_f1.items()):
        assert abs(value - 100 * expected['F1'][i]) <= 0.01, cls
    assert abs(printed['mF1'] - 100 * expected['Mean_F1']) <= 0.01
    assert abs(printed['mIoU'] - expected['Mean_IU']) <= 0.01
    for group, value in expected['merged_F1'].items():
        assert abs(printed[f'F1@{group}'] - 100 * value) <= 0.01, group
    # a network that predicts something: the numbers are not all zero
    assert 0 < expected['Mean_F1'] < 1
