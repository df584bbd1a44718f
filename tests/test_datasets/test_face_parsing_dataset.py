# Copyright (c) segface-mmseg contributors. All rights reserved.
"""FaceParsingDataset: one's own folder and class list, from classes.json or
the config; the face flip and metric work with it; bad labels name the
file."""
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS
from PIL import Image

from segface_mmseg.classes import FACE_PALETTE, write_classes_file
from segface_mmseg.datasets import FaceParsingDataset
from segface_mmseg.evaluation import FaceParsingMetric

CLASSES = ('background', 'skin', 'l_eye', 'r_eye', 'teeth')
PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]


def _write_folder(root, labels, split='train'):
    """``labels``: name -> H x W uint8 label; images are grey."""
    for sub in ('img_dir', 'ann_dir'):
        os.makedirs(osp.join(root, sub, split), exist_ok=True)
    for name, label in labels.items():
        label = np.asarray(label, np.uint8)
        Image.fromarray(np.full(label.shape + (3, ), 128, np.uint8)).save(
            osp.join(root, 'img_dir', split, f'{name}.jpg'))
        Image.fromarray(label).save(
            osp.join(root, 'ann_dir', split, f'{name}.png'))


def _dataset(root, pipeline=PIPELINE, **kwargs):
    init_default_scope('mmseg')
    return DATASETS.build(
        dict(
            type='FaceParsingDataset',
            data_root=str(root),
            data_prefix=dict(
                img_path='img_dir/train', seg_map_path='ann_dir/train'),
            pipeline=pipeline,
            **kwargs))


@pytest.fixture
def folder(tmp_path):
    # eye ids 2 (l_eye, on the image's right) and 3, teeth 4
    label = np.zeros((4, 6), np.uint8)
    label[1, 1], label[1, 4], label[3, 2:4] = 3, 2, 4
    _write_folder(tmp_path, {'a': label, 'b': np.ones((4, 6))})
    return tmp_path, label


def test_reads_a_folder_with_its_classes_json(folder):
    root, label = folder
    write_classes_file(str(root / 'classes.json'), CLASSES)
    dataset = _dataset(root)
    assert isinstance(dataset, FaceParsingDataset) and len(dataset) == 2
    meta = dataset.metainfo
    assert meta['classes'] == CLASSES
    # the face palette by name; teeth gets one of its own
    assert meta['palette'][:4] == [list(FACE_PALETTE[c]) for c in CLASSES[:4]]
    assert len(meta['palette'][4]) == 3
    assert meta['left_right_pairs'] == [(2, 3)]
    sample = dataset[0]
    assert sample['data_samples'].img_path.endswith('a.jpg')
    np.testing.assert_array_equal(
        sample['data_samples'].gt_sem_seg.data[0].numpy(), label)
    assert dataset.get_data_info(0)['left_right_pairs'] == [(2, 3)]


def test_classes_from_the_config_and_pairs_by_name(folder):
    root, _ = folder
    dataset = _dataset(
        root,
        metainfo=dict(
            classes=CLASSES,
            palette=[[i, i, i] for i in range(5)],
            left_right_pairs=[['r_eye', 'l_eye']]))
    assert dataset.metainfo['classes'] == CLASSES
    assert dataset.metainfo['palette'][4] == [4, 4, 4]
    assert dataset.metainfo['left_right_pairs'] == [(3, 2)]


def test_config_palette_overrides_the_file_and_classes_must_agree(folder):
    root, _ = folder
    write_classes_file(str(root / 'classes.json'), CLASSES, pairs=[])
    dataset = _dataset(root, metainfo=dict(palette=[[9, 9, 9]] * 5))
    assert dataset.metainfo['palette'] == [[9, 9, 9]] * 5
    assert dataset.metainfo['left_right_pairs'] == []
    with pytest.raises(ValueError, match='classes.json: its classes'):
        _dataset(root, metainfo=dict(classes=CLASSES[:4]))


def test_no_class_list_names_the_file(folder):
    root, _ = folder
    with pytest.raises(FileNotFoundError, match='classes.json: no such file'):
        _dataset(root)


@pytest.mark.parametrize('content, message', [
    (dict(classes=['background', 'skin'], palette=[[0, 0, 0]
                                                   ]), 'one \\[R, G, B\\]'),
    (dict(
        classes=['background', 'skin'],
        left_right_pairs=[['l_eye', 'r_eye']]), "'l_eye' is not one"),
    (dict(classes=['skin', 'skin']), 'listed twice'),
    (dict(classes=['background'], colours=[]), 'unknown keys'),
    ([1, 2], 'expected a JSON object'),
])
def test_a_bad_classes_json_names_the_file(folder, content, message):
    root, _ = folder
    with open(root / 'classes.json', 'w') as f:
        json.dump(content, f)
    with pytest.raises(ValueError, match=message) as error:
        _dataset(root)
    assert str(error.value).startswith(str(root / 'classes.json'))


def test_label_values_beyond_the_classes_name_the_label_file(folder):
    root, label = folder
    bad = label.copy()
    bad[0, 0] = 7
    _write_folder(root, {'c': bad})
    dataset = _dataset(root, metainfo=dict(classes=CLASSES))
    dataset[0]  # a and b are fine
    with pytest.raises(ValueError, match=r'c\.png: label values \[7\]'):
        dataset[2]
    # 255 is ignored, not an error
    bad[0, 0] = 255
    _write_folder(root, {'c': bad})
    dataset[2]


def test_flip_swaps_the_dataset_pairs(folder):
    root, label = folder
    pipeline = PIPELINE[:2] + [
        dict(type='RandomFaceFlip', prob=1., swap_seg_labels='dataset'),
        PIPELINE[2]
    ]
    dataset = _dataset(root, pipeline, metainfo=dict(classes=CLASSES))
    flipped = dataset[0]['data_samples'].gt_sem_seg.data[0].numpy()
    expected = label[:, ::-1].copy()
    expected[label[:, ::-1] == 2], expected[label[:, ::-1] == 3] = 3, 2
    np.testing.assert_array_equal(flipped, expected)
    # the eye on the image's left is r_eye again
    assert flipped[1, 1] == 3 and flipped[1, 4] == 2


def test_metric_scores_with_the_dataset_classes(folder):
    root, label = folder
    dataset = _dataset(root, metainfo=dict(classes=CLASSES))
    metric = FaceParsingMetric(native=False)
    metric.dataset_meta = dataset.metainfo
    sample = dataset[0]['data_samples'].to_dict()
    pred = label.copy()
    pred[3, 2] = 1  # one of the 2 teeth pixels taken for skin
    sample['net_pred_sem_seg'] = dict(data=torch.from_numpy(pred)[None])
    metric.process({}, [sample])
    scores = metric.compute_metrics(metric.results)
    # F1 of the 4 foreground classes: skin 0 (none labelled, 1 predicted),
    # l_eye and r_eye 100, teeth 2 * 1 / (2 + 1)
    assert scores['mF1'] == round((0 + 100 + 100 + 200 / 3) / 4, 2)
