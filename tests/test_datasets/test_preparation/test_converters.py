# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The dataset converters on fake downloads in the exact raw formats."""
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from segface_mmseg.classes import CELEBAMASK_HQ_CLASSES
from segface_mmseg.datasets.preparation import (convert_celebamask_hq,
                                                convert_helen, convert_lapa,
                                                merge_part_masks, merge_parts)
from segface_mmseg.datasets.preparation.celebamask_hq import PART_SUFFIXES
from tests.helpers.data_generators import (make_fake_celebamask_hq,
                                           make_fake_helen, make_fake_lapa)
from tests.helpers.utils import REPO_ROOT


def _read(path):
    return np.asarray(Image.open(path))


def _bytes(path):
    with open(path, 'rb') as f:
        return f.read()


def _lines(path):
    with open(path) as f:
        return f.read().splitlines()


def _all_files(root):
    return sorted(
        osp.relpath(osp.join(d, f), root) for d, _, files in os.walk(root)
        for f in files)


# ------------------------------------------------------------ CelebAMask-HQ
def test_part_suffixes_are_the_class_names_in_label_order():
    assert PART_SUFFIXES == CELEBAMASK_HQ_CLASSES[1:]


def test_merge_priority_by_hand(tmp_path):
    # 2 x 2 masks of image 2001 (folder 1): neck everywhere, skin on the top
    # row, hair (id 14) on the top-left pixel; later parts win
    folder = tmp_path / 'CelebAMask-HQ-mask-anno' / '1'
    folder.mkdir(parents=True)
    for part, mask in [('neck', [[1, 1], [1, 1]]), ('skin', [[1, 1], [0, 0]]),
                       ('hair', [[1, 0], [0, 0]])]:
        Image.fromarray(np.array(mask, np.uint8) * 255).save(
            folder / f'02001_{part}.png')
    label = merge_part_masks(str(tmp_path), 2001, mask_size=2)
    np.testing.assert_array_equal(label, [[14, 2], [1, 1]])


def test_merge_parts_in_memory_by_hand():
    # the same rule on arrays (the demo's face generator uses it)
    masks = dict(
        hair=np.array([[1, 0], [0, 0]]),
        neck=np.ones((2, 2)),
        skin=np.array([[0, 255], [0, 0]]))
    np.testing.assert_array_equal(
        merge_parts(masks, (2, 2)), [[14, 2], [1, 1]])
    with pytest.raises(ValueError, match="unknown part suffixes.*'teeth'"):
        merge_parts(dict(teeth=np.ones((2, 2))), (2, 2))


def test_celebamask_hq_conversion(tmp_path):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    fake = make_fake_celebamask_hq(raw, image_size=64, mask_size=32)
    summary = convert_celebamask_hq(raw, out, image_size=64, mask_size=32)
    assert summary['splits'] == {'train': 3, 'val': 2, 'test': 1}
    assert (summary['converted'], summary['existing']) == (6, 0)
    for split, ids in fake['splits'].items():
        assert _lines(osp.join(
            out, f'{split}.txt')) == [str(i) for i in sorted(ids)]
        for hq_id in ids:
            # labels: overlaps resolved by priority, absent parts background,
            # each of the 32 x 32 pixels repeated 2 x 2 to the image size
            label = _read(osp.join(out, 'ann_dir', split, f'{hq_id}.png'))
            np.testing.assert_array_equal(label[::2, ::2],
                                          fake['labels'][hq_id])
            np.testing.assert_array_equal(
                label, np.kron(fake['labels'][hq_id], np.ones((2, 2))))
            # images: the download's bytes
            assert _bytes(osp.join(out, 'img_dir', split,
                                   f'{hq_id}.jpg')) == _bytes(
                                       osp.join(raw, 'CelebA-HQ-img',
                                                f'{hq_id}.jpg'))


def test_celebamask_hq_labels_resize_as_the_official_512_labels(tmp_path):
    """Nearest from the repeated label = nearest from the merged mask."""
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    fake = make_fake_celebamask_hq(
        raw, splits={'test': [7]}, image_size=128, mask_size=64)
    convert_celebamask_hq(raw, out, image_size=128, mask_size=64)
    label = Image.open(osp.join(out, 'ann_dir', 'test', '7.png'))
    for size in (28, 32, 56, 64, 100):
        np.testing.assert_array_equal(
            np.asarray(label.resize((size, size), Image.NEAREST)),
            np.asarray(
                Image.fromarray(fake['labels'][7]).resize((size, size),
                                                          Image.NEAREST)))


def test_celebamask_hq_upgrades_an_older_conversion(tmp_path):
    """Outputs of the earlier converter (images resized to the mask size and
    re-encoded, labels at the mask size) are converted again."""
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    fake = make_fake_celebamask_hq(raw, image_size=64, mask_size=32)
    for split, ids in fake['splits'].items():
        for hq_id in ids:
            img = Image.open(osp.join(raw, 'CelebA-HQ-img', f'{hq_id}.jpg'))
            os.makedirs(osp.join(out, 'img_dir', split), exist_ok=True)
            os.makedirs(osp.join(out, 'ann_dir', split), exist_ok=True)
            img.resize((32, 32), Image.BICUBIC).save(
                osp.join(out, 'img_dir', split, f'{hq_id}.jpg'), quality=95)
            label = fake['labels'][hq_id]
            if hq_id == 1999:  # label already upgraded: interrupted before
                label = np.repeat(np.repeat(label, 2, 0), 2, 1)
            Image.fromarray(label).save(
                osp.join(out, 'ann_dir', split, f'{hq_id}.png'))
    convert = dict(image_size=64, mask_size=32)
    summary = convert_celebamask_hq(raw, out, **convert)
    assert (summary['converted'], summary['upgraded'],
            summary['existing']) == (6, 6, 0)
    assert _bytes(osp.join(out, 'img_dir', 'val', '1999.jpg')) == _bytes(
        osp.join(raw, 'CelebA-HQ-img', '1999.jpg'))
    assert _read(osp.join(out, 'ann_dir', 'val', '1999.png')).shape == (64, 64)
    summary = convert_celebamask_hq(raw, out, **convert)
    assert (summary['converted'], summary['existing']) == (0, 6)


def test_celebamask_hq_rerun_skips_finished_work(tmp_path):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    make_fake_celebamask_hq(raw, image_size=64, mask_size=32)
    kwargs = dict(image_size=64, mask_size=32)
    convert_celebamask_hq(raw, out, **kwargs)
    label = osp.join(out, 'ann_dir', 'val', '1999.png')
    mtime = os.stat(label).st_mtime_ns
    # an interrupted run's temporary file and one missing output
    stale = osp.join(out, 'ann_dir', 'train', '.1.png.4242.segface-tmp')
    open(stale, 'w').close()
    os.remove(osp.join(out, 'img_dir', 'train', '1.jpg'))
    summary = convert_celebamask_hq(raw, out, **kwargs)
    assert (summary['converted'], summary['existing']) == (1, 5)
    assert os.stat(label).st_mtime_ns == mtime
    assert not osp.exists(stale)
    assert osp.isfile(osp.join(out, 'img_dir', 'train', '1.jpg'))


def test_celebamask_hq_cli(tmp_path):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    make_fake_celebamask_hq(raw, image_size=64, mask_size=32)
    script = osp.join(REPO_ROOT, 'tools', 'dataset_converters',
                      'celebamask_hq.py')
    proc = subprocess.run([
        sys.executable, script, raw, '-o', out, '--nproc', '2', '--image-size',
        '64', '--mask-size', '32'
    ],
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'train 3, val 2, test 1; 6 converted' in proc.stdout
    assert len(_all_files(osp.join(out, 'ann_dir'))) == 6


# --------------------------------------------------------------------- LaPa
@pytest.mark.parametrize('nproc', [1, 2])
def test_lapa_conversion(tmp_path, nproc):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    fake = make_fake_lapa(raw)
    summary = convert_lapa(raw, out, nproc=nproc)
    assert summary['splits'] == {'train': 2, 'val': 2, 'test': 2}
    for split, names in fake['splits'].items():
        assert _lines(osp.join(out, f'{split}.txt')) == sorted(names)
        for name in names:
            # images copied byte for byte, labels as they were
            with open(osp.join(raw, split, 'images', f'{name}.jpg'),
                      'rb') as f:
                src = f.read()
            with open(osp.join(out, 'img_dir', split, f'{name}.jpg'),
                      'rb') as f:
                assert f.read() == src
            np.testing.assert_array_equal(
                _read(osp.join(out, 'ann_dir', split, f'{name}.png')),
                fake['labels'][(split, name)])
            # the official LaPa loader (datasets/lapa.py): eyes mean(74, 104)
            # and mean(83, 105), nose 54, mouth corners 84 and 90
            p = fake['landmarks106'][(split, name)]
            expected = [[(p[74, 0] + p[104, 0]) / 2,
                         (p[74, 1] + p[104, 1]) / 2],
                        [(p[83, 0] + p[105, 0]) / 2,
                         (p[83, 1] + p[105, 1]) / 2], p[54], p[84], p[90]]
            points = np.loadtxt(
                osp.join(out, 'landmarks', split, f'{name}.txt'))
            np.testing.assert_allclose(points, expected, atol=1e-5)


# -------------------------------------------------------------------- Helen
def test_helen_conversion_crops_as_the_official(tmp_path):
    raw, out = str(tmp_path / 'raw'), str(tmp_path / 'out')
    fake = make_fake_helen(raw, size=(60, 50))
    summary = convert_helen(raw, out)
    assert summary['splits'] == {'train': 2, 'test': 1}
    assert _lines(osp.join(out, 'train.txt')) == ['100032540_1', '10405424_1']
    # crops by hand, as the official Helen loader (datasets/helen.py) cuts
    # them from the landmark boxes:
    # (10, 20, 30, 44): size (21, 25), centre int(20.5, 32.5) = (20, 32),
    #   side int(25 * 1.2) = 30 -> (5, 17, 35, 47)
    # (-6, -4, 20, 18): size (27, 23), centre int(7.5, 7.5) = (7, 7),
    #   side int(27 * 1.2) = 32 -> (-9, -9, 23, 23), clipped (0, 0, 23, 23)
    # (12, 6, 50, 40): size (39, 35), centre int(31.5, 23.5) = (31, 23),
    #   side int(39 * 1.2) = 46 -> (8, 0, 54, 46)
    crops = {
        ('train', '100032540_1'): (5, 17, 35, 47),
        ('train', '10405424_1'): (0, 0, 23, 23),
        ('test', '1030333538_1'): (8, 0, 54, 46),
    }
    for (split, name), (x1, y1, x2, y2) in crops.items():
        image = _read(osp.join(out, 'img_dir', split, f'{name}.png'))
        decoded = np.asarray(
            Image.open(osp.join(raw, split, f'{name}_image.jpg')))
        np.testing.assert_array_equal(image, decoded[y1:y2, x1:x2])
        np.testing.assert_array_equal(
            _read(osp.join(out, 'ann_dir', split, f'{name}.png')),
            fake['labels'][name][y1:y2, x1:x2])
        p = fake['landmarks68'][name] - [x1, y1]
        expected = [p[36:42].mean(0), p[42:48].mean(0), p[30], p[48], p[54]]
        points = np.loadtxt(osp.join(out, 'landmarks', split, f'{name}.txt'))
        np.testing.assert_allclose(points, expected, atol=1e-4)


@pytest.mark.subprocess
def test_helen_cli(tmp_path):
    raw = str(tmp_path / 'raw')
    make_fake_helen(raw, size=(60, 50))
    out, expected = str(tmp_path / 'out'), str(tmp_path / 'in_process')
    script = osp.join(REPO_ROOT, 'tools', 'dataset_converters', 'helen.py')
    proc = subprocess.run(
        [sys.executable, script, raw, '-o', out, '--nproc', '2'],
        capture_output=True,
        text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'train 2, test 1; 3 converted' in proc.stdout
    convert_helen(raw, expected)
    files = _all_files(expected)
    assert _all_files(out) == files and len(files) > 9
    for name in files:
        with open(osp.join(out, name), 'rb') as a, \
                open(osp.join(expected, name), 'rb') as b:
            assert a.read() == b.read(), name
