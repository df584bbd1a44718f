# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The tutorial's data (demo/synthetic_faces/own_data.py): opt-in teeth that
leave the default faces alone, the merged class list, the written folder
that FaceParsingDataset reads, and the configs that use it."""
import json
import os

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS

from demo.synthetic_faces import draw_face, sample_accessories
from demo.synthetic_faces.own_data import (CLASSES, MERGES, NEW_CLASSES,
                                           draw_own_face, label_lut,
                                           write_own_faces)
from segface_mmseg.classes import CELEBAMASK_HQ_CLASSES
from tests.helpers.utils import CONFIG_DIR

CELEB = {name: i for i, name in enumerate(CELEBAMASK_HQ_CLASSES)}
TUTORIAL = (
    CONFIG_DIR + '/demo/segface_mobilenetv3-l_1xb8-300_own-faces-'
    'teeth-128x128')


def _pair(seed):
    """The same face drawn without and with teeth."""
    faces = []
    for teeth in (False, True):
        rng = np.random.default_rng([seed, 7])
        faces.append(draw_face(rng, 128, sample_accessories(rng), teeth))
    return faces


def test_teeth_are_opt_in_and_change_nothing_else():
    with_teeth = 0
    for seed in range(12):
        (image, label, masks), (image_t, label_t, masks_t) = _pair(seed)
        assert 'teeth' not in masks
        np.testing.assert_array_equal(label, label_t)
        assert set(masks_t) - set(masks) <= {'teeth'}
        for name in masks:
            np.testing.assert_array_equal(masks[name], masks_t[name])
        if 'teeth' not in masks_t:
            np.testing.assert_array_equal(image, image_t)
            continue
        with_teeth += 1
        teeth = masks_t['teeth']
        # inside the open mouth, lighter than it
        assert not (teeth & (label != CELEB['mouth'])).any()
        assert image_t[teeth].mean() > image[teeth].mean() + 60
        # the image changes only there and, by the final 3 x 3 blur, next
        # to it
        near = cv2.dilate(teeth.astype(np.uint8), np.ones((3, 3))) > 0
        np.testing.assert_array_equal(image[~near], image_t[~near])
    assert 3 <= with_teeth <= 9  # the mouth is open in about half


def test_label_lut_merges_by_name():
    lut = label_lut()
    expected = {
        'background': 'background',
        'neck': 'neck',
        'skin': 'skin',
        'cloth': 'cloth',
        'l_ear': 'ears',
        'r_ear': 'ears',
        'l_brow': 'brows',
        'r_brow': 'brows',
        'l_eye': 'eyes',
        'r_eye': 'eyes',
        'nose': 'nose',
        'mouth': 'mouth',
        'l_lip': 'l_lip',
        'u_lip': 'u_lip',
        'hair': 'hair',
        'eye_g': 'eye_g',
        'hat': 'hat',
        'ear_r': 'ear_r',
        'neck_l': 'neck_l'
    }
    for old, new in expected.items():
        assert CLASSES[lut[CELEB[old]]] == new, old
    assert lut[255] == 255 and len(CLASSES) == 17
    assert set(CLASSES) - set(expected.values()) == set(NEW_CLASSES)


def test_own_face_labels_teeth_inside_the_old_mouth():
    for seed in range(6):
        image, label = draw_own_face(2, seed, 96)
        _, old, masks = draw_face(*_rng_and_size(2, seed, 96), teeth=True)
        teeth = label == CLASSES.index('teeth')
        np.testing.assert_array_equal(teeth,
                                      masks.get('teeth', np.zeros_like(teeth)))
        assert (old[teeth] == CELEB['mouth']).all()
        np.testing.assert_array_equal(label[~teeth], label_lut()[old][~teeth])


def _rng_and_size(seed, idx, size):
    rng = np.random.default_rng([seed, idx])
    return rng, size, sample_accessories(rng)


def test_written_folder_reads_as_a_face_parsing_dataset(tmp_path):
    root = str(tmp_path / 'own')
    meta = write_own_faces(root, split_sizes=(6, 2, 3), image_size=64)
    assert sorted(os.listdir(root)) == [
        'ann_dir', 'classes.json', 'img_dir', 'own_faces.json'
    ]
    assert len(os.listdir(tmp_path)) == 1  # no temporary folder left
    assert meta['split_sizes'] == dict(train=6, val=2, test=3)
    init_default_scope('mmseg')
    for split, size in meta['split_sizes'].items():
        dataset = DATASETS.build(
            dict(
                type='FaceParsingDataset',
                data_root=root,
                data_prefix=dict(
                    img_path=f'img_dir/{split}',
                    seg_map_path=f'ann_dir/{split}'),
                pipeline=[
                    dict(type='LoadImageFromFile'),
                    dict(type='LoadAnnotations'),
                    dict(type='PackSegInputs')
                ]))
        assert len(dataset) == size and dataset.metainfo['classes'] == CLASSES
        assert dataset.metainfo['left_right_pairs'] == []
        # images 0-5 train, 6-7 val, 8-10 test, as drawn
        first = int(os.path.basename(dataset[0]['data_samples'].img_path)[:5])
        assert first == dict(train=0, val=6, test=8)[split]
        _, label = draw_own_face(1, first, 64)
        np.testing.assert_array_equal(
            dataset[0]['data_samples'].gt_sem_seg.data[0].numpy(), label)
    # reused as it is; refused when asked for other data
    assert write_own_faces(root, split_sizes=(6, 2, 3), image_size=64) == \
        json.loads((tmp_path / 'own' / 'own_faces.json').read_text())
    with pytest.raises(FileExistsError, match='holds other data'):
        write_own_faces(root, split_sizes=(6, 2, 3), image_size=64, seed=2)


def test_tutorial_configs_fit_the_data():
    scratch = Config.fromfile(TUTORIAL + '.py')
    finetune = Config.fromfile(TUTORIAL + '_finetune.py')
    for cfg in (scratch, finetune):
        head = cfg.model.decode_head
        assert tuple(cfg.train_dataloader.dataset.metainfo.classes) == CLASSES
        assert head.num_classes == len(CLASSES)
        assert len(head.loss_decode[0].class_weight) == len(CLASSES)
        assert cfg.train_dataloader.dataset.type == 'FaceParsingDataset'
        assert cfg.train_cfg.max_iters == 300
    assert not scratch.get('custom_hooks')
    (hook, ) = finetune.custom_hooks
    assert hook.type == 'ClassTransferHook'
    assert {k: tuple(v) for k, v in hook.mapping.items()} == MERGES
    assert tuple(hook.new_classes) == NEW_CLASSES
    # the accessories keep the demo's weights, teeth (last) 3x
    weights = dict(
        zip(CLASSES, scratch.model.decode_head.loss_decode[0].class_weight))
    assert weights['neck_l'] == 10.0 and weights['teeth'] == 3.0
