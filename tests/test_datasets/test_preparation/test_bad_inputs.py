# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Bad inputs stop a conversion with the file's name, or are skipped and
listed on request; nothing half-written is left behind."""
import os
import os.path as osp
import re

import numpy as np
import pytest
from PIL import Image

from segface_mmseg.datasets.preparation import (ConversionError,
                                                convert_celebamask_hq,
                                                convert_helen, convert_lapa)
from tests.helpers.data_generators import (make_fake_celebamask_hq,
                                           make_fake_helen, make_fake_lapa)
from tests.helpers.utils import load_script

CELEBA_SIZES = dict(image_size=64, mask_size=32)


def _truncate(path):
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])


def _garble(path):
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + b'not a png at all' * 4)


def _leftovers(out):
    """Temporary files left under ``out``."""
    return [
        f for _, _, files in os.walk(out) for f in files if '.segface-tmp' in f
    ]


def _mask(raw, hq_id):
    folder = osp.join(raw, 'CelebAMask-HQ-mask-anno', str(hq_id // 2000))
    return osp.join(
        folder,
        sorted(f for f in os.listdir(folder)
               if f.startswith(f'{hq_id:05d}'))[0])


def _break_celeba(raw, problem):
    """Damage the fake download; return the file the error must name."""
    if problem == 'truncated jpeg':
        path = osp.join(raw, 'CelebA-HQ-img', '4001.jpg')
        _truncate(path)
    elif problem == 'corrupt png':
        path = _mask(raw, 1999)
        _garble(path)
    elif problem == 'mask of the wrong size':
        path = _mask(raw, 2000)
        Image.fromarray(np.zeros((31, 32), np.uint8)).save(path)
    elif problem == 'missing image':
        path = osp.join(raw, 'CelebA-HQ-img', '1.jpg')
        os.remove(path)
    return path


@pytest.mark.parametrize('problem', [
    'truncated jpeg', 'corrupt png', 'mask of the wrong size', 'missing image'
])
def test_celebamask_hq_bad_file_stops_the_run(tmp_path, problem):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    make_fake_celebamask_hq(raw, **CELEBA_SIZES)
    path = _break_celeba(raw, problem)
    with pytest.raises(ConversionError, match=re.escape(path)):
        convert_celebamask_hq(raw, out, **CELEBA_SIZES)
    assert _leftovers(out) == []
    # no split files: a stopped run has not finished
    assert not osp.exists(osp.join(out, 'train.txt'))


def test_celebamask_hq_wrong_size_message(tmp_path):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    make_fake_celebamask_hq(raw, **CELEBA_SIZES)
    path = _break_celeba(raw, 'mask of the wrong size')
    with pytest.raises(ConversionError) as info:
        convert_celebamask_hq(raw, out, **CELEBA_SIZES)
    assert str(info.value) == f'{path}: size 32x31, expected 32x32'


def test_celebamask_hq_skip_bad_lists_and_leaves_out(tmp_path):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    make_fake_celebamask_hq(raw, **CELEBA_SIZES)
    jpeg = _break_celeba(raw, 'truncated jpeg')
    png = _break_celeba(raw, 'corrupt png')
    summary = convert_celebamask_hq(
        raw, out, nproc=2, skip_bad=True, **CELEBA_SIZES)
    assert summary['splits'] == {'train': 2, 'val': 1, 'test': 1}
    assert sorted(m.split(':')[0]
                  for m in summary['bad']) == sorted([jpeg, png])
    with open(osp.join(out, 'train.txt')) as f:
        assert f.read().split() == ['0', '1']
    # neither output of a skipped image exists
    for split, hq_id in (('train', 4001), ('val', 1999)):
        assert not osp.exists(osp.join(out, 'img_dir', split, f'{hq_id}.jpg'))
        assert not osp.exists(osp.join(out, 'ann_dir', split, f'{hq_id}.png'))
    assert _leftovers(out) == []


def test_celebamask_hq_error_in_a_worker_process(tmp_path):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    make_fake_celebamask_hq(raw, **CELEBA_SIZES)
    path = _break_celeba(raw, 'corrupt png')
    with pytest.raises(ConversionError, match=re.escape(path)):
        convert_celebamask_hq(raw, out, nproc=2, **CELEBA_SIZES)
    assert _leftovers(out) == []


@pytest.mark.parametrize(
    'name', ['list_eval_partition.txt', 'CelebA-HQ-to-CelebA-mapping.txt'])
def test_celebamask_hq_missing_split_file(tmp_path, name):
    raw = str(tmp_path / 'raw')
    make_fake_celebamask_hq(raw, **CELEBA_SIZES)
    os.remove(osp.join(raw, name))
    with pytest.raises(
            ConversionError,
            match=re.escape(f'{osp.join(raw, name)}: missing')):
        convert_celebamask_hq(raw, str(tmp_path / 'out'), **CELEBA_SIZES)


def test_celebamask_hq_malformed_partition_file(tmp_path):
    raw = str(tmp_path / 'raw')
    make_fake_celebamask_hq(raw, **CELEBA_SIZES)
    path = osp.join(raw, 'list_eval_partition.txt')
    with open(path, 'a') as f:
        f.write('000003.jpg 7\n')
    with pytest.raises(ConversionError, match=re.escape(f'{path}: line 9')):
        convert_celebamask_hq(raw, str(tmp_path / 'out'), **CELEBA_SIZES)


# --------------------------------------------------------------------- LaPa
def _lapa_file(raw, sub, ext, split='val', index=1):
    names = sorted(os.listdir(osp.join(raw, split, 'images')))
    return osp.join(raw, split, sub, names[index][:-4] + ext)


def test_lapa_label_value_outside_the_classes(tmp_path):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    make_fake_lapa(raw)
    path = _lapa_file(raw, 'labels', '.png')
    label = np.asarray(Image.open(path)).copy()
    label[0, :3] = (255, 42, 11)  # 255 (ignore) is fine, 42 and 11 are not
    Image.fromarray(label).save(path)
    with pytest.raises(ConversionError) as info:
        convert_lapa(raw, out)
    assert str(info.value).startswith(f'{path}: label values [11, 42] are '
                                      'outside the 11 classes')
    assert _leftovers(out) == []


def test_lapa_ignore_label_is_accepted(tmp_path):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    make_fake_lapa(raw)
    path = _lapa_file(raw, 'labels', '.png')
    label = np.asarray(Image.open(path)).copy()
    label[0, 0] = 255
    Image.fromarray(label).save(path)
    assert convert_lapa(raw, out)['converted'] == 6


@pytest.mark.parametrize('problem', [
    'missing landmark file', 'malformed landmark file',
    'label of the wrong size', 'truncated jpeg', 'rgb label'
])
def test_lapa_bad_file_stops_the_run(tmp_path, problem):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    make_fake_lapa(raw)
    if problem == 'missing landmark file':
        path = _lapa_file(raw, 'landmarks', '.txt')
        os.remove(path)
        message = 'missing file'
    elif problem == 'malformed landmark file':
        path = _lapa_file(raw, 'landmarks', '.txt')
        with open(path, 'w') as f:
            f.write('106\n1 2\n')
        message = 'expected the count 106'
    elif problem == 'label of the wrong size':
        path = _lapa_file(raw, 'labels', '.png')
        Image.fromarray(np.zeros((5, 5), np.uint8)).save(path)
        message = 'size 5x5, expected'
    elif problem == 'truncated jpeg':
        path = _lapa_file(raw, 'images', '.jpg')
        _truncate(path)
        message = 'truncated or corrupt image'
    else:
        path = _lapa_file(raw, 'labels', '.png')
        Image.fromarray(np.full((48, 36, 3), (1, 2, 3), np.uint8)).save(path)
        message = 'label must be single-channel'
    with pytest.raises(ConversionError) as info:
        convert_lapa(raw, out)
    assert str(info.value).startswith(f'{path}: {message}')
    assert _leftovers(out) == []
    name = osp.splitext(osp.basename(path))[0]
    assert not osp.exists(osp.join(out, 'img_dir', 'val', f'{name}.jpg'))


def test_lapa_missing_split_folder(tmp_path):
    raw = str(tmp_path / 'raw')
    make_fake_lapa(raw)
    os.rename(osp.join(raw, 'test'), osp.join(raw, 'test_moved'))
    with pytest.raises(
            ConversionError,
            match=re.escape(osp.join(raw, 'test', 'images') + ': missing')):
        convert_lapa(raw, str(tmp_path / 'out'))


def _tool(name):
    """Import a converter script as a module."""
    return load_script('tools', 'dataset_converters', f'{name}.py')


def test_lapa_cli_reports_the_bad_file(tmp_path, capsys):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    make_fake_lapa(raw)
    path = _lapa_file(raw, 'landmarks', '.txt')
    os.remove(path)
    main = _tool('lapa').main
    with pytest.raises(SystemExit) as info:
        main([raw, '-o', out, '--nproc', '1'])
    assert info.value.code == f'error: {path}: missing file'
    main([raw, '-o', out, '--nproc', '1', '--skip-bad'])
    assert f'skipped: {path}: missing file' in capsys.readouterr().out


# -------------------------------------------------------------------- Helen
def test_helen_missing_landmark_file(tmp_path):
    raw = str(tmp_path / 'raw')
    make_fake_helen(raw)
    path = osp.join(raw, 'landmarks.txt')
    os.remove(path)
    with pytest.raises(ConversionError, match=re.escape(f'{path}: missing')):
        convert_helen(raw, str(tmp_path / 'out'))


def test_helen_image_without_landmarks(tmp_path):
    raw = str(tmp_path / 'raw')
    make_fake_helen(raw)
    path = osp.join(raw, 'landmarks.txt')
    with open(path) as f:
        lines = [line for line in f if not line.endswith(' 10405424_1\n')]
    with open(path, 'w') as f:
        f.writelines(lines)
    with pytest.raises(
            ConversionError,
            match=re.escape(f'{path}: no landmarks for 10405424_1')):
        convert_helen(raw, str(tmp_path / 'out'))


def test_helen_missing_label(tmp_path):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    make_fake_helen(raw)
    path = osp.join(raw, 'test', '1030333538_1_label.png')
    os.remove(path)
    with pytest.raises(ConversionError, match=re.escape(f'{path}: missing')):
        convert_helen(raw, out)
    assert _leftovers(out) == []
