# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The demo's face generator (demo/synthetic_faces): the same faces for the
same seed, layout, labels, long tail, conversion, atomic output."""
import hashlib
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from demo.synthetic_faces import (ACCESSORY_RATES, METADATA_FILE, draw_face,
                                  generate_synthetic_celebamask_hq,
                                  prepare_synthetic_celebamask_hq,
                                  raw_download, sample_accessories)
from segface_mmseg.classes import CELEBAMASK_HQ_CLASSES
from segface_mmseg.datasets.preparation import (PART_SUFFIXES,
                                                convert_celebamask_hq,
                                                merge_parts)

ALL_ACCESSORIES = tuple(ACCESSORY_RATES)
LABEL = {name: i for i, name in enumerate(CELEBAMASK_HQ_CLASSES)}


def test_drawn_faces_are_pinned():
    """The generator draws the faces it drew when it lived in the package
    (sha256 of the arrays, OpenCV 4.14): a change to the drawing must bump
    GENERATOR_VERSION (so drawn data is not reused) and these checksums."""
    digest = hashlib.sha256()
    for seed in range(3):
        image, label, masks = draw_face(
            np.random.default_rng(seed), 96, ALL_ACCESSORIES)
        digest.update(image.tobytes())
        digest.update(label.tobytes())
        for name in sorted(masks):
            digest.update(name.encode())
            digest.update(masks[name].tobytes())
    assert digest.hexdigest() == ('1425afa848236ba7d10fbfc9c4867ed8'
                                  'afc37e16139fb2b435b497e3a4926ba7')
    assert raw_download.GENERATOR_VERSION == 1


def test_written_download_is_pinned(tmp_path):
    """Every file of a small download: the text files' bytes, the images'
    and masks' decoded pixels (encoder-independent), names included."""
    raw = str(tmp_path / 'raw')
    generate_synthetic_celebamask_hq(
        raw, num_images=12, image_size=64, mask_size=32, seed=3)
    digest = hashlib.sha256()
    for root, _, files in sorted(os.walk(raw)):
        for name in sorted(files):
            path = osp.join(root, name)
            digest.update(osp.relpath(path, raw).encode())
            if name.endswith('.txt'):
                with open(path, 'rb') as f:
                    digest.update(f.read())
            elif not name.endswith('.json'):
                digest.update(cv2.imread(path, cv2.IMREAD_UNCHANGED).tobytes())
    assert digest.hexdigest() == ('8744b27d5246e59b7913d26df9a5e512'
                                  '0f62f409c862fd4b1a7e372f512aedeb')


def _face(seed, size=128, accessories=()):
    return draw_face(np.random.default_rng(seed), size, accessories)


def test_same_seed_same_face_other_seed_other_face():
    image, label, masks = _face(3, accessories=ALL_ACCESSORIES)
    image2, label2, masks2 = _face(3, accessories=ALL_ACCESSORIES)
    np.testing.assert_array_equal(image, image2)
    np.testing.assert_array_equal(label, label2)
    assert masks.keys() == masks2.keys()
    other, _, _ = _face(4, accessories=ALL_ACCESSORIES)
    assert np.abs(other.astype(int) - image).mean() > 10


@pytest.mark.parametrize('seed', range(8))
def test_masks_merge_in_celebamask_order_into_the_drawn_label(seed):
    accessories = ALL_ACCESSORIES if seed % 2 else ()
    image, label, masks = _face(seed, accessories=accessories)
    assert image.shape == (128, 128, 3) and image.dtype == np.uint8
    np.testing.assert_array_equal(merge_parts(masks, label.shape), label)
    # the skin mask overlaps the parts drawn on it, as in the real data
    assert (masks['skin'] & (label == LABEL['nose'])).any()
    # every visible class has a mask (parts hidden under glasses keep
    # theirs, as in the real data); accessories only when asked for
    assert set(masks) >= {CELEBAMASK_HQ_CLASSES[i]
                          for i in np.unique(label)} - {'background'}
    for name in ALL_ACCESSORIES:
        assert (name in masks) == (name in accessories), name
    for name in ('skin', 'neck', 'cloth', 'l_eye', 'r_eye', 'nose', 'l_lip',
                 'u_lip', 'l_brow', 'r_brow'):
        assert name in masks, name


def test_left_parts_are_on_the_image_right():
    seen = 0
    for seed in range(20):
        _, label, _ = _face(seed)
        for part in ('eye', 'brow', 'ear'):
            if not ((label == LABEL[f'l_{part}']).any() and
                    (label == LABEL[f'r_{part}']).any()):
                continue  # an ear hidden by long hair
            seen += 1
            left_x = np.nonzero(label == LABEL[f'l_{part}'])[1].mean()
            right_x = np.nonzero(label == LABEL[f'r_{part}'])[1].mean()
            assert left_x > right_x, (seed, part)
    assert seen >= 50


def test_accessory_rates_follow_the_long_tail():
    rng = np.random.default_rng(0)
    draws = [sample_accessories(rng) for _ in range(20000)]
    for name, rate in ACCESSORY_RATES.items():
        observed = np.mean([name in d for d in draws])
        # 4 binomial standard deviations
        assert abs(observed - rate) < 4 * np.sqrt(rate * (1 - rate) / 20000)
    assert ACCESSORY_RATES == dict(
        eye_g=0.05, hat=0.04, ear_r=0.03, neck_l=0.02)


@pytest.fixture(scope='module')
def raw_and_converted(tmp_path_factory):
    root = tmp_path_factory.mktemp('synthetic')
    raw = str(root / 'raw')
    meta = generate_synthetic_celebamask_hq(
        raw,
        num_images=20,
        image_size=64,
        mask_size=32,
        seed=5,
        split_ratios=(0.6, 0.2, 0.2))
    out = str(root / 'converted')
    convert_celebamask_hq(raw, out, image_size=64, mask_size=32)
    return raw, out, meta


def test_raw_layout_is_celebamask_hq(raw_and_converted):
    raw, _, meta = raw_and_converted
    assert sorted(os.listdir(raw)) == sorted([
        'CelebA-HQ-img', 'CelebAMask-HQ-mask-anno',
        'CelebA-HQ-to-CelebA-mapping.txt', 'list_eval_partition.txt',
        METADATA_FILE
    ])
    # no temporary folder is left beside it
    assert sorted(os.listdir(osp.dirname(raw))) == ['converted', 'raw']
    assert meta['split_sizes'] == dict(train=12, val=4, test=4)
    with open(osp.join(raw, 'CelebA-HQ-to-CelebA-mapping.txt')) as f:
        mapping = f.read().splitlines()
    assert mapping[0].split() == ['idx', 'orig_idx', 'orig_file']
    assert mapping[1].split() == ['0', '0', '000001.jpg']
    with open(osp.join(raw, 'list_eval_partition.txt')) as f:
        groups = [line.split()[1] for line in f.read().splitlines()]
    assert [groups.count(g) for g in '012'] == [12, 4, 4]
    image = cv2.imread(osp.join(raw, 'CelebA-HQ-img', '7.jpg'))
    assert image.shape == (64, 64, 3)
    skin = cv2.imread(
        osp.join(raw, 'CelebAMask-HQ-mask-anno', '0', '00007_skin.png'),
        cv2.IMREAD_UNCHANGED)
    assert skin.shape == (32, 32) and set(np.unique(skin)) == {0, 255}
    # the metadata counts the mask files on disk
    files = os.listdir(osp.join(raw, 'CelebAMask-HQ-mask-anno', '0'))
    for suffix in PART_SUFFIXES:
        assert meta['images_with'][suffix] == sum(
            f.endswith(f'_{suffix}.png') for f in files), suffix


def test_converter_output_is_the_drawn_label(raw_and_converted):
    raw, out, _ = raw_and_converted
    for split in ('train', 'val', 'test'):
        for name in os.listdir(osp.join(out, 'ann_dir', split)):
            idx = int(osp.splitext(name)[0])
            # redraw face idx exactly as the generator does
            rng = np.random.default_rng([5, idx])
            _, label, _ = draw_face(rng, 64, sample_accessories(rng))
            expected = cv2.resize(
                label, (32, 32), interpolation=cv2.INTER_NEAREST)
            converted = cv2.imread(
                osp.join(out, 'ann_dir', split, name), cv2.IMREAD_UNCHANGED)
            # the 32 x 32 merged masks, each pixel repeated 2 x 2
            np.testing.assert_array_equal(
                converted,
                np.kron(expected, np.ones((2, 2), np.uint8)),
                err_msg=name)


def test_bad_arguments_and_existing_folder(tmp_path):
    with pytest.raises(ValueError, match='split_ratios'):
        generate_synthetic_celebamask_hq(
            str(tmp_path / 'a'), num_images=5, split_ratios=(0.5, 0.2, 0.2))
    with pytest.raises(ValueError, match='num_images'):
        generate_synthetic_celebamask_hq(str(tmp_path / 'b'), num_images=2)
    with pytest.raises(FileExistsError, match=str(tmp_path)):
        generate_synthetic_celebamask_hq(str(tmp_path), num_images=5)


def test_prepare_reuses_matching_data_and_refuses_other(tmp_path):
    root, meta = prepare_synthetic_celebamask_hq(
        str(tmp_path), num_images=10, image_size=32, seed=1)
    assert sorted(os.listdir(osp.join(root,
                                      'img_dir'))) == ['test', 'train', 'val']
    stamp = os.stat(osp.join(tmp_path, 'raw', METADATA_FILE)).st_mtime_ns
    again, meta2 = prepare_synthetic_celebamask_hq(
        str(tmp_path), num_images=10, image_size=32, seed=1)
    assert again == root and meta2 == meta
    assert os.stat(osp.join(tmp_path, 'raw',
                            METADATA_FILE)).st_mtime_ns == stamp
    with pytest.raises(FileExistsError, match='other arguments'):
        prepare_synthetic_celebamask_hq(
            str(tmp_path), num_images=10, image_size=32, seed=2)
    with open(osp.join(tmp_path, 'raw', METADATA_FILE)) as f:
        meta = json.load(f)
    assert meta['seed'] == 1
    # data drawn by another version of the generator is not reused
    meta['version'] -= 1
    with open(osp.join(tmp_path, 'raw', METADATA_FILE), 'w') as f:
        json.dump(meta, f)
    with pytest.raises(FileExistsError, match='another version'):
        prepare_synthetic_celebamask_hq(
            str(tmp_path), num_images=10, image_size=32, seed=1)


def test_failed_run_leaves_nothing_and_keeps_other_folders(
        tmp_path, monkeypatch):
    """A run that fails mid-way removes only its own temporary folder: no
    ``raw``, no temporary, and the user's ``raw.tmp`` is kept as it was."""
    mine = tmp_path / 'raw.tmp'
    mine.mkdir()
    (mine / 'notes.txt').write_text('keep me')

    def fail_at_3(task):
        if task[1] == 3:
            raise OSError('disk full')
        return real(task)

    real = raw_download._write_one
    monkeypatch.setattr(raw_download, '_write_one', fail_at_3)
    with pytest.raises(OSError, match='disk full'):
        generate_synthetic_celebamask_hq(
            str(tmp_path / 'raw'), num_images=6, image_size=32, mask_size=16)
    assert sorted(os.listdir(tmp_path)) == ['raw.tmp']
    assert (mine / 'notes.txt').read_text() == 'keep me'
    # and a later run publishes the folder, still keeping raw.tmp
    monkeypatch.setattr(raw_download, '_write_one', real)
    generate_synthetic_celebamask_hq(
        str(tmp_path / 'raw'), num_images=6, image_size=32, mask_size=16)
    assert sorted(os.listdir(tmp_path)) == ['raw', 'raw.tmp']
    assert (mine / 'notes.txt').read_text() == 'keep me'
