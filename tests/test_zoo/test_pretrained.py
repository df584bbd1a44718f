# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Released models by name through the real ``huggingface_hub`` code path,
offline, on a hand-made hub cache: download, convert once, cache, verify."""
import errno
import logging
import os
import os.path as osp
import re

import numpy as np
import pytest
import torch
from mmengine.logging import MMLogger

import segface_mmseg.zoo.pretrained as pretrained
from segface_mmseg.apis import FaceParser, SegFaceInferencer
from segface_mmseg.checkpoints import convert_official_file
from segface_mmseg.zoo import (HubDownloadError, converted_path, is_cached,
                               resolve_config)
from tests.helpers.hub_cache import RELEASE, snapshot_file

CONFIG_NAME = 'segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512'


def _reference_labels(fake_hub, tmp_path, image):
    """Labels from the same official file converted by the tool."""
    hub_cache, _ = fake_hub
    converted = str(tmp_path / 'by_tool.pth')
    convert_official_file(snapshot_file(hub_cache, RELEASE), converted)
    parser = FaceParser(resolve_config(RELEASE), converted)
    return parser.parse(image)


def test_from_pretrained_converts_once_and_caches(fake_hub, tmp_path,
                                                  face_image, monkeypatch):
    expected = _reference_labels(fake_hub, tmp_path, face_image)
    assert len(np.unique(expected)) > 1  # a non-trivial prediction

    # 1. first call: resolved from the hub cache, converted, cached
    parser = FaceParser.from_pretrained(RELEASE)
    np.testing.assert_array_equal(parser.parse(face_image), expected)
    cached = converted_path(RELEASE)
    assert cached.startswith(str(tmp_path / 'segface'))
    assert is_cached(RELEASE) and osp.isfile(cached + '.sha256')
    meta = torch.load(cached, weights_only=True, mmap=True)['meta']
    assert meta['segface']['release'] == RELEASE
    assert parser.classes == tuple(meta['dataset_meta']['classes'])

    # 2. second call: no download, no conversion
    def refuse(*args, **kwargs):
        raise AssertionError('downloaded or converted again')

    with monkeypatch.context() as patch:
        patch.setattr(pretrained, 'download_official', refuse)
        patch.setattr(pretrained, 'convert_official_checkpoint', refuse)
        again = FaceParser.from_pretrained(RELEASE)
        np.testing.assert_array_equal(again.parse(face_image), expected)

    # 3. a damaged converted file fails its hash and is converted again
    with open(cached, 'r+b') as f:
        f.seek(os.path.getsize(cached) // 2)
        f.write(b'\x00' * 64)
    assert not is_cached(RELEASE)
    parser = FaceParser.from_pretrained(RELEASE)
    assert is_cached(RELEASE)
    np.testing.assert_array_equal(parser.parse(face_image), expected)


def test_unknown_names_list_the_known_ones(fake_hub):
    with pytest.raises(ValueError, match='swinb_celeba_512'):
        FaceParser.from_pretrained('swinb_celeba_999')
    with pytest.raises(ValueError, match='mobilenet_celeba_512'):
        pretrained.pretrained_checkpoint('nope')


def test_offline_without_the_file_says_where_it_looked(fake_hub):
    hub_cache, _ = fake_hub
    with pytest.raises(HubDownloadError) as info:
        FaceParser.from_pretrained('swinb_lapa_512')
    message = str(info.value)
    assert 'swinb_lapa_512/model_299.pt' in message
    assert hub_cache in message and 'HF_HUB_OFFLINE' in message
    assert not os.path.exists(converted_path('swinb_lapa_512'))


def test_a_corrupt_download_is_refused_by_name(fake_hub):
    _, blob = fake_hub
    with open(blob, 'r+b') as f:
        f.truncate(os.path.getsize(blob) // 2)
    with pytest.raises(HubDownloadError, match='corrupt.*--force'):
        FaceParser.from_pretrained(RELEASE)
    assert not os.path.exists(converted_path(RELEASE))


def test_an_official_file_loads_directly(fake_hub, tmp_path, face_image):
    hub_cache, _ = fake_hub
    expected = _reference_labels(fake_hub, tmp_path, face_image)
    official = snapshot_file(hub_cache, RELEASE)
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        parser = FaceParser(resolve_config(RELEASE), official)
    finally:
        logger.removeHandler(handler)
    np.testing.assert_array_equal(parser.parse(face_image), expected)
    lines = [
        r.getMessage() for r in records
        if 'converted in memory' in r.getMessage()
    ]
    assert len(lines) == 1 and official in lines[0]


def test_inferencer_by_metafile_name(fake_hub, tmp_path, face_image):
    expected = _reference_labels(fake_hub, tmp_path, face_image)
    inferencer = SegFaceInferencer(model=CONFIG_NAME)
    sample = inferencer(face_image, return_datasamples=True)
    labels = sample.pred_sem_seg.data[0].numpy()
    np.testing.assert_array_equal(labels, expected)
    assert inferencer.model.dataset_meta['classes'][2] == 'skin'


def test_a_damaged_file_in_a_read_only_cache(fake_hub, face_image,
                                             monkeypatch):
    """The cached conversion is damaged and the cache is read-only
    (simulated: every file opened for writing there fails as on a read-only
    file system, also for root): one error naming the file and what to do;
    the CLI prints it on one line."""
    import segface_runtime.atomic_files as atomic_files
    from segface_mmseg.cli.main import main
    cached = pretrained.pretrained_checkpoint(RELEASE)
    with open(cached, 'r+b') as f:
        f.seek(os.path.getsize(cached) // 2)
        f.write(b'\x00' * 64)
    damaged = open(cached, 'rb').read()

    def read_only(path, mode='r', *args, **kwargs):
        if 'w' in mode and str(path).startswith(osp.dirname(cached)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(atomic_files, 'open', read_only, raising=False)
    with pytest.raises(HubDownloadError) as info:
        FaceParser.from_pretrained(RELEASE)
    assert str(info.value) == (
        f'{cached}: the converted {RELEASE} checkpoint cannot be stored in '
        'the model cache (Read-only file system) (the cached one is damaged: '
        f'its sha256 does not match): make {osp.dirname(cached)} writable, '
        'set SEGFACE_CACHE to a folder you can write to, or give a converted '
        'checkpoint (--checkpoint)')
    with pytest.raises(SystemExit, match=f'^error: {re.escape(cached)}: '):
        main([
            'parse', face_image, '--model', RELEASE, '--out-dir',
            osp.join(osp.dirname(face_image), 'out')
        ])
    assert open(cached, 'rb').read() == damaged
    assert sorted(os.listdir(osp.dirname(cached))) == [
        osp.basename(cached),
        osp.basename(cached) + '.sha256'
    ]
