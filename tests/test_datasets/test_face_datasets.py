# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Dataset classes and landmarks; their configs."""
import os
import os.path as osp
import re

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS
from PIL import Image

from segface_mmseg.classes import left_right_pairs
from segface_mmseg.datasets import (CelebAMaskHQDataset, HelenDataset,
                                    LaPaDataset, load_landmarks)
from segface_mmseg.datasets.preparation import convert_helen, convert_lapa
from segface_mmseg.datasets.sample_checks import (LabelValueError,
                                                  NoSamplesError, one_line)
from tests.helpers.data_generators import make_fake_helen, make_fake_lapa
from tests.helpers.utils import (CONFIG_DIR, all_config_paths,
                                 write_mmseg_layout)

# the official class lists (datasets/{celebamask_hq,lapa,helen}.py of the
# official code), by label id
CELEBA_IDS = ('background neck skin cloth l_ear r_ear l_brow r_brow l_eye '
              'r_eye nose mouth l_lip u_lip hair eye_g hat ear_r neck_l')
LAPA_IDS = 'background skin l_brow r_brow l_eye r_eye nose u_lip mouth ' \
    'l_lip hair'
DATASET_SIZES = dict(LaPaDataset=18176, HelenDataset=2000)


@pytest.mark.parametrize('dataset, ids, pairs', [
    (CelebAMaskHQDataset, CELEBA_IDS, [(4, 5), (6, 7), (8, 9)]),
    (LaPaDataset, LAPA_IDS, [(2, 3), (4, 5)]),
    (HelenDataset, LAPA_IDS, [(2, 3), (4, 5)]),
])
def test_metainfo_in_official_id_order(dataset, ids, pairs):
    classes = dataset.METAINFO['classes']
    assert classes == tuple(ids.split())
    assert len(dataset.METAINFO['palette']) == len(classes)
    assert len({tuple(c) for c in dataset.METAINFO['palette']}) == len(classes)
    assert left_right_pairs(classes) == pairs


# ------------------------------------------------------------ the datasets
def _lapa(tmp_path, **kwargs):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'lapa')
    fake = make_fake_lapa(raw)
    convert_lapa(raw, out)
    return fake, out


def test_lapa_dataset_carries_landmarks(tmp_path):
    init_default_scope('mmseg')
    fake, root = _lapa(tmp_path)
    dataset = LaPaDataset(
        data_root=root,
        data_prefix=dict(
            img_path='img_dir/val',
            seg_map_path='ann_dir/val',
            landmark_path='landmarks/val'),
        pipeline=[])
    assert len(dataset) == 2
    for i, name in enumerate(sorted(fake['splits']['val'])):
        info = dataset.get_data_info(i)
        assert info['img_path'].endswith(f'{name}.jpg')
        p = fake['landmarks106'][('val', name)]
        assert info['landmarks'].dtype == np.float32
        np.testing.assert_allclose(
            info['landmarks'], [(p[74] + p[104]) / 2,
                                (p[83] + p[105]) / 2, p[54], p[84], p[90]],
            atol=1e-4)
        assert info['reduce_zero_label'] is False


def test_lapa_dataset_from_split_file(tmp_path):
    init_default_scope('mmseg')
    fake, root = _lapa(tmp_path)
    dataset = LaPaDataset(
        data_root=root,
        ann_file='train.txt',
        data_prefix=dict(
            img_path='img_dir/train',
            seg_map_path='ann_dir/train',
            landmark_path='landmarks/train'),
        pipeline=[])
    assert len(dataset) == 2
    os.remove(osp.join(root, 'test.txt'))
    with pytest.raises(
            NoSamplesError,
            match=re.escape(f'{root}/test.txt: no such split file')):
        LaPaDataset(
            data_root=root,
            ann_file='test.txt',
            data_prefix=dict(img_path='img_dir/test'),
            pipeline=[])


def test_lapa_dataset_missing_or_bad_landmark_file(tmp_path):
    init_default_scope('mmseg')
    fake, root = _lapa(tmp_path)
    folder = osp.join(root, 'landmarks', 'test')
    missing, bad = [osp.join(folder, f) for f in sorted(os.listdir(folder))]
    os.remove(missing)
    kwargs = dict(
        data_root=root,
        data_prefix=dict(
            img_path='img_dir/test',
            seg_map_path='ann_dir/test',
            landmark_path='landmarks/test'),
        pipeline=[])
    with pytest.raises(
            FileNotFoundError,
            match=re.escape(f'{missing}: missing landmark file')):
        LaPaDataset(**kwargs)
    with open(missing, 'w') as f:
        f.write('1 2\n3 4\n5 6\n7 8\n9 10\n')
    with open(bad, 'w') as f:
        f.write('1 2\n3 4\n')
    with pytest.raises(ValueError, match=re.escape(f'{bad}: expected 5')):
        LaPaDataset(**kwargs)


def test_helen_dataset(tmp_path):
    init_default_scope('mmseg')
    raw, root = str(tmp_path / 'raw'), str(tmp_path / 'helen')
    make_fake_helen(raw)
    convert_helen(raw, root)
    dataset = HelenDataset(
        data_root=root,
        data_prefix=dict(
            img_path='img_dir/train',
            seg_map_path='ann_dir/train',
            landmark_path='landmarks/train'),
        pipeline=[])
    assert [
        osp.basename(dataset.get_data_info(i)['img_path']) for i in range(2)
    ] == ['100032540_1.png', '10405424_1.png']
    assert dataset.get_data_info(0)['landmarks'].shape == (5, 2)


# ------------------------------------------------------------- the configs
def _face_configs():
    """The dataset recipes: configs/segface/* and their short names."""
    paths = [
        p for p in all_config_paths()
        if osp.relpath(p, CONFIG_DIR).startswith(('segface/', 'segface_'))
    ]
    assert len(paths) >= 17
    return paths


def _find(pipeline, type_name):
    found = []
    for t in pipeline:
        if t['type'] == type_name:
            found.append(t)
        for branch in t.get('transforms', []):
            found += _find(branch, type_name)
    return found


@pytest.mark.parametrize(
    'path',
    _face_configs(),
    ids=[osp.relpath(p, CONFIG_DIR) for p in _face_configs()])
def test_config_data_contract(path):
    cfg = Config.fromfile(path)
    dataset = DATASETS.get(cfg.test_dataloader.dataset.type)
    pairs = left_right_pairs(dataset.METAINFO['classes'])
    # flip TTA swaps exactly the left/right pairs of the classes
    assert cfg.tta_model.type == 'FaceFlipTTAModel'
    assert [tuple(p) for p in cfg.tta_model.swap_seg_labels] == pairs
    # any training flip too
    for flip in _find(cfg.train_pipeline, 'RandomFlip') + _find(
            cfg.train_pipeline, 'RandomFaceFlip'):
        assert [tuple(p) for p in flip.swap_seg_labels] == pairs
    # the TTA resize is the test resize, to the network input size
    test_resize = cfg.test_dataloader.dataset.pipeline[1]
    assert test_resize['type'] in ('Resize', 'ResizeWithLandmarks')
    assert test_resize['interpolation'] == 'bicubic'
    assert test_resize['backend'] == 'pillow'
    assert not test_resize['keep_ratio']
    assert tuple(test_resize['scale']) == tuple(
        cfg.model.data_preprocessor.size)
    tta_resize = cfg.tta_pipeline[1]['transforms'][0]
    assert tta_resize == [test_resize]
    assert _find(cfg.tta_pipeline, 'LoadAnnotations'), 'labels for --tta'
    if dataset is CelebAMaskHQDataset:
        return
    # LaPa / Helen: landmarks loaded, resized along, and packed
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        d = cfg[loader].dataset
        split = d.data_prefix.img_path.split('/')[-1]
        assert d.data_prefix.landmark_path == f'landmarks/{split}'
        for pipeline in (d.pipeline, cfg.tta_pipeline):
            assert _find(pipeline, 'Resize') == []
            for pack in _find(pipeline, 'PackSegInputs'):
                assert 'landmarks' in pack.meta_keys
    assert cfg.model.decode_head.num_classes == 11
    # schedule arithmetic: 300 epochs on 8 GPUs, lr steps at 80 and 200
    per_gpu = cfg.train_dataloader.batch_size
    epoch = DATASET_SIZES[dataset.__name__] // 8 // per_gpu
    assert cfg.train_cfg.max_iters == 300 * epoch
    assert cfg.train_cfg.val_interval == 20 * epoch
    assert cfg.param_scheduler[0].milestones == [80 * epoch, 200 * epoch]
    if dataset is LaPaDataset:
        assert (epoch, per_gpu) == (568, 4)
        assert _find(cfg.train_pipeline, 'RandomFaceAffine')[0] == dict(
            type='RandomFaceAffine',
            max_rotate_degree=30,
            scale_range=(0.5, 3.0),
            max_translate=20)
    else:
        assert (epoch, per_gpu) == (125, 2)
        assert set(cfg.test_evaluator.merged_groups) == {
            'eyes', 'brows', 'mouth', 'overall'
        }


@pytest.mark.parametrize('text, message', [
    ('1 2\n3 4\n', 'expected 5 lines "x y", got values of shape (2, 2)'),
    ('1 2\n3 nan\n5 6\n7 8\n9 10\n',
     'the landmarks are not all finite numbers (NaN or inf)'),
    ('1 2\n3 4\n5 inf\n7 8\n9 10\n',
     'the landmarks are not all finite numbers (NaN or inf)'),
])
def test_bad_landmark_files_are_named_and_explained(tmp_path, text, message):
    path = tmp_path / 'face.txt'
    path.write_text(text)
    with pytest.raises(ValueError, match=re.escape(f'{path}: {message}')):
        load_landmarks(str(path))


@pytest.mark.parametrize('dataset', ['CelebAMaskHQDataset', 'LaPaDataset'])
def test_empty_split_names_its_folder(tmp_path, dataset):
    init_default_scope('mmseg')
    for sub in ('img_dir/val', 'ann_dir/val', 'landmarks/val'):
        (tmp_path / sub).mkdir(parents=True)
    prefix = dict(img_path='img_dir/val', seg_map_path='ann_dir/val')
    if dataset == 'LaPaDataset':
        prefix['landmark_path'] = 'landmarks/val'
    with pytest.raises(
            FileNotFoundError,
            match=re.escape(f'{tmp_path}/img_dir/val: no samples')):
        DATASETS.build(
            dict(
                type=dataset,
                data_root=str(tmp_path),
                data_prefix=prefix,
                pipeline=[]))


LOADED = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]


def _split(dataset, root, **kwargs):
    init_default_scope('mmseg')
    return DATASETS.build(
        dict(
            type=dataset,
            data_root=str(root),
            data_prefix=dict(
                img_path='img_dir/val', seg_map_path='ann_dir/val'),
            img_suffix='.jpg',
            pipeline=LOADED,
            **kwargs))


@pytest.mark.parametrize('dataset, num_classes', [
    ('CelebAMaskHQDataset', 19),
    ('LaPaDataset', 11),
    ('HelenDataset', 11),
])
def test_a_label_value_beyond_the_classes_names_file_value_and_range(
        tmp_path, dataset, num_classes):
    write_mmseg_layout(tmp_path, splits=('val', ), num_classes=num_classes)
    path = tmp_path / 'ann_dir' / 'val' / '1.png'
    label = np.array(Image.open(path))
    label[3, 4], label[5, 6] = 200, 255  # 255: ignored, not an error
    Image.fromarray(label).save(path)
    split = _split(dataset, tmp_path)
    split[0]
    with pytest.raises(LabelValueError) as error:
        split[1]
    assert str(error.value).startswith(
        f'{path}: label values [200] are not class ids: the dataset has '
        f'{num_classes} classes (ids 0-{num_classes - 1}, 255 ignored)')
    assert isinstance(error.value, ValueError)


def test_a_missing_folder_or_label_file_is_named(tmp_path):
    with pytest.raises(NoSamplesError) as error:
        _split('CelebAMaskHQDataset', tmp_path)  # an empty data root
    assert str(error.value).startswith(
        f'{tmp_path}/img_dir/val: no such folder of images for '
        'CelebAMaskHQDataset; check data_root')
    with pytest.raises(
            FileNotFoundError,
            match=re.escape(f'{tmp_path}/val.txt: no such split file')):
        _split('CelebAMaskHQDataset', tmp_path, ann_file='val.txt')
    write_mmseg_layout(tmp_path, splits=('val', ), num_images=3)
    os.remove(tmp_path / 'ann_dir' / 'val' / '1.png')
    with pytest.raises(NoSamplesError) as error:
        _split('CelebAMaskHQDataset', tmp_path)
    assert str(error.value).startswith(
        f'{tmp_path}/ann_dir/val: 1 of the 3 samples have no label file: '
        f'{tmp_path}/ann_dir/val/1.png for CelebAMaskHQDataset')


def test_a_data_error_from_a_loader_worker_is_one_line():
    """torch re-raises a worker's error with its traceback as the message;
    the tools print its last line's message."""
    message = '/data/ann_dir/train/7.png: label values [200] are not ...'
    worker = LabelValueError(
        'Caught LabelValueError in DataLoader worker process 0.\n'
        'Original Traceback (most recent call last):\n'
        '  File "worker.py", line 1, in _worker_loop\n'
        f'segface_mmseg.datasets.sample_checks.LabelValueError: {message}\n')
    assert one_line(worker) == message
    assert one_line(LabelValueError(message)) == message
