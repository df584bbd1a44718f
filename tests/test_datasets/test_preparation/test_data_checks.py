# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Data the converters check beyond single files: missing folders, splits
that overlap, landmarks that are not numbers, file-name case, and raw files
changed after a conversion."""
import os
import os.path as osp
import re
import shutil

import numpy as np
import pytest
from PIL import Image

from segface_mmseg.datasets.preparation import (ConversionError,
                                                convert_celebamask_hq,
                                                convert_helen, convert_lapa)
from tests.helpers.data_generators import (make_fake_celebamask_hq,
                                           make_fake_helen, make_fake_lapa)

CELEBA_SIZES = dict(image_size=64, mask_size=32)


def _celeba(tmp_path):
    raw = str(tmp_path / 'raw')
    make_fake_celebamask_hq(raw, **CELEBA_SIZES)
    return raw, str(tmp_path / 'out')


def test_celebamask_hq_without_its_mask_folder(tmp_path):
    raw, out = _celeba(tmp_path)
    anno = osp.join(raw, 'CelebAMask-HQ-mask-anno')
    shutil.rmtree(anno)
    with pytest.raises(
            ConversionError,
            match=re.escape(f'{anno}: missing folder of part')):
        convert_celebamask_hq(raw, out, **CELEBA_SIZES)
    assert not osp.exists(out)


def test_celebamask_hq_without_one_mask_subfolder(tmp_path, capsys):
    raw, out = _celeba(tmp_path)
    folder = osp.join(raw, 'CelebAMask-HQ-mask-anno', '1')  # ids 2000-3999
    shutil.rmtree(folder)
    with pytest.raises(ConversionError, match=re.escape(f'{folder}: missing')):
        convert_celebamask_hq(raw, out, **CELEBA_SIZES)
    summary = convert_celebamask_hq(raw, out, skip_bad=True, **CELEBA_SIZES)
    assert sum(summary['splits'].values()) == 5  # all but id 2000
    assert f'skipped: {folder}: missing' in capsys.readouterr().out
    assert open(osp.join(out, 'test.txt')).read() == ''


def test_celebamask_hq_image_without_any_part_mask(tmp_path):
    raw, out = _celeba(tmp_path)
    folder = osp.join(raw, 'CelebAMask-HQ-mask-anno', '0')
    for name in os.listdir(folder):
        if name.startswith('00001_'):
            os.remove(osp.join(folder, name))
    with pytest.raises(ConversionError, match='no part mask of image 1'):
        convert_celebamask_hq(raw, out, **CELEBA_SIZES)


def test_celebamask_hq_image_in_two_partition_groups(tmp_path):
    raw, out = _celeba(tmp_path)
    partition = osp.join(raw, 'list_eval_partition.txt')
    lines = open(partition).read().splitlines()
    first = next(line for line in lines if line.endswith(' 0'))
    with open(partition, 'a') as f:
        f.write(first.split()[0] + ' 2\n')
    with pytest.raises(
            ConversionError,
            match=re.escape(f'{first.split()[0]} is in group 0')):
        convert_celebamask_hq(raw, out, **CELEBA_SIZES)


def test_celebamask_hq_images_missing_from_the_partition_file(
        tmp_path, capsys):
    """A partition file lacking entries that the mapping file lists: an
    error saying how many and which, or with --skip-bad listed and left
    out; never a silently smaller dataset."""
    raw, out = _celeba(tmp_path)
    partition = osp.join(raw, 'list_eval_partition.txt')
    # ids 1 (train) and 29999 (val) lose their entries
    dropped = {f'{100000 + 7 * i:06d}.jpg' for i in (1, 29999)}
    lines = [
        line for line in open(partition).read().splitlines()
        if line.split()[0] not in dropped
    ]
    with open(partition, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    with pytest.raises(ConversionError) as error:
        convert_celebamask_hq(raw, out, **CELEBA_SIZES)
    assert str(error.value).startswith(
        f'{partition}: 2 images of CelebA-HQ-to-CelebA-mapping.txt are not '
        'listed (so in no split): 100007.jpg (id 1), 309993.jpg (id 29999);')
    assert '--skip-bad' in str(error.value)
    assert not osp.exists(out)
    summary = convert_celebamask_hq(raw, out, skip_bad=True, **CELEBA_SIZES)
    assert summary['splits'] == dict(train=2, val=1, test=1)
    assert len(summary['bad']) == 2
    printed = capsys.readouterr().out
    assert f'skipped: {partition}: 100007.jpg (id 1)' in printed
    assert '2 bad inputs skipped' in printed


def test_lapa_labels_and_landmarks_without_their_image(tmp_path, capsys):
    raw, out = _lapa(tmp_path)
    folder = osp.join(raw, 'train', 'images')
    names = _lapa_names(raw, 'train')
    os.remove(osp.join(folder, names[0] + '.jpg'))
    with pytest.raises(ConversionError) as error:
        convert_lapa(raw, out)
    assert str(error.value).startswith(
        f'{folder}: 1 names of train/labels or train/landmarks have no '
        f'image here: {names[0]};')
    summary = convert_lapa(raw, out, skip_bad=True)
    assert summary['splits']['train'] == len(names) - 1
    assert f'skipped: {folder}: {names[0]}' in capsys.readouterr().out


def _changed_later(path):
    """Date a just-edited file 10 s later than its write: filesystems
    with coarse timestamps (1 s, 2 s) may give it the conversion's time."""
    later = os.stat(path).st_mtime_ns + 10 * 10**9
    os.utime(path, ns=(later, later))


def test_celebamask_hq_raw_mask_changed_after_conversion(tmp_path, capsys):
    raw, out = _celeba(tmp_path)
    convert_celebamask_hq(raw, out, **CELEBA_SIZES)
    folder = osp.join(raw, 'CelebAMask-HQ-mask-anno', '0')
    hat = osp.join(folder, '00000_hat.png')
    Image.fromarray(np.full((32, 32), 255, np.uint8)).save(hat)
    _changed_later(hat)
    summary = convert_celebamask_hq(raw, out, **CELEBA_SIZES)
    assert (summary['converted'], summary['upgraded']) == (1, 1)
    label = np.asarray(Image.open(osp.join(out, 'ann_dir', 'train', '0.png')))
    # the hat (id 16) now covers every pixel not held by a later part
    assert (label >= 16).all()


def _lapa(tmp_path):
    raw = str(tmp_path / 'raw')
    make_fake_lapa(raw)
    return raw, str(tmp_path / 'out')


def _lapa_names(raw, split):
    return sorted(f[:-4] for f in os.listdir(osp.join(raw, split, 'images')))


@pytest.mark.parametrize('value', ['nan', 'inf'])
def test_lapa_landmarks_that_are_not_numbers(tmp_path, capsys, value):
    raw, out = _lapa(tmp_path)
    name = _lapa_names(raw, 'val')[0]
    path = osp.join(raw, 'val', 'landmarks', f'{name}.txt')
    lines = open(path).read().splitlines()
    lines[60] = f'{value} 3.0'
    open(path, 'w').write('\n'.join(lines) + '\n')
    with pytest.raises(
            ConversionError,
            match=re.escape(f'{path}: the 106 landmarks are not')):
        convert_lapa(raw, out)
    summary = convert_lapa(raw, out, skip_bad=True)
    assert sum(summary['splits'].values()) == 5
    assert f'skipped: {path}' in capsys.readouterr().out


def test_lapa_name_in_two_splits(tmp_path):
    raw, out = _lapa(tmp_path)
    name = _lapa_names(raw, 'train')[0]
    for sub, ext in (('images', '.jpg'), ('labels', '.png'), ('landmarks',
                                                              '.txt')):
        shutil.copy(
            osp.join(raw, 'train', sub, name + ext),
            osp.join(raw, 'test', sub, name + ext))
    with pytest.raises(
            ConversionError,
            match=f'{name} is in both the train and the test'):
        convert_lapa(raw, out)


def test_lapa_upper_case_extension_is_converted(tmp_path):
    raw, out = _lapa(tmp_path)
    name = _lapa_names(raw, 'test')[0]
    folder = osp.join(raw, 'test', 'images')
    os.rename(osp.join(folder, name + '.jpg'), osp.join(folder, name + '.JPG'))
    summary = convert_lapa(raw, out)
    assert summary['converted'] == 6
    assert osp.isfile(osp.join(out, 'img_dir', 'test', name + '.jpg'))
    assert name in open(osp.join(out, 'test.txt')).read().split()


def test_lapa_raw_label_changed_after_conversion(tmp_path):
    raw, out = _lapa(tmp_path)
    convert_lapa(raw, out)
    name = _lapa_names(raw, 'val')[0]
    path = osp.join(raw, 'val', 'labels', f'{name}.png')
    label = np.asarray(Image.open(path)).copy()
    label[:] = 10
    Image.fromarray(label).save(path)
    _changed_later(path)
    summary = convert_lapa(raw, out)
    assert (summary['converted'], summary['upgraded']) == (1, 1)
    converted = np.asarray(
        Image.open(osp.join(out, 'ann_dir', 'val', f'{name}.png')))
    assert (converted == 10).all()


def test_helen_landmark_that_is_not_a_number(tmp_path, capsys):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    make_fake_helen(raw)
    path = osp.join(raw, 'landmarks.txt')
    lines = open(path).read().splitlines()
    index = next(i for i, line in enumerate(lines)
                 if line.endswith(' 10405424_1'))
    fields = lines[index].split()
    fields[5] = 'nan'
    lines[index] = ' '.join(fields)
    open(path, 'w').write('\n'.join(lines) + '\n')
    message = f'{path}: the landmarks of 10405424_1 are not all finite'
    with pytest.raises(ConversionError, match=re.escape(message)):
        convert_helen(raw, out)
    summary = convert_helen(raw, out, skip_bad=True)
    assert f'skipped: {message}' in capsys.readouterr().out
    assert sum(summary['splits'].values()) == 2  # of 3
