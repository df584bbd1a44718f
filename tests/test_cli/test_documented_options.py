# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``segface`` options the docs name that the other command tests leave out:
``download --force``, ``parse --checkpoint model_299.pt --device --crop-mode
--margin --detector-options``, ``convert --release --backbone``."""
import json
import os
import shutil

import cv2
import numpy as np
import pytest
import torch
from PIL import Image

from segface_mmseg.apis import (FACE_DETECTORS, BaseFaceDetector,
                                FaceDetection, FaceParser)
from segface_mmseg.cli.main import main
from segface_mmseg.zoo import converted_path
from tests.helpers.hub_cache import add_release, snapshot_file
from tests.helpers.photos import face_photo

RELEASE = 'mobilenet_celeba_512'


@FACE_DETECTORS.register_module(force=True)
class FixedBoxFaceDetector(BaseFaceDetector):
    """Finds one face at ``box``; remembers the options it was built with."""
    built_with = []

    def __init__(self, box, **kwargs):
        super().__init__(**kwargs)
        self.box = box
        FixedBoxFaceDetector.built_with.append(dict(box=box, **kwargs))

    def detect(self, image):
        return [FaceDetection(box=self.box, score=0.9)]


def test_download_force_fetches_and_converts_again(fake_hub, monkeypatch,
                                                   capsys):
    import huggingface_hub
    from huggingface_hub import constants
    hub_cache, blob = fake_hub
    assert main(['download', RELEASE]) == 0
    converted = converted_path(RELEASE)
    first = torch.load(converted, weights_only=True)['state_dict']

    # a download cut short: the command names the fix ...
    with open(blob, 'r+b') as f:
        f.truncate(1000)
    os.remove(converted)
    with pytest.raises(
            SystemExit, match=f'segface download {RELEASE} '
            '--force'):
        main(['download', RELEASE])
    # ... offline, --force says why it cannot fetch ...
    with pytest.raises(SystemExit, match='--force.*offline'):
        main(['download', RELEASE, '--force'])

    # ... and online it fetches again (the hub, as a local stand-in)
    calls = []

    def hub_download(repo_id, filename, force_download=False, **kwargs):
        calls.append(force_download)
        add_release(hub_cache, RELEASE)  # the same file, whole again
        return snapshot_file(hub_cache, RELEASE)

    monkeypatch.setattr(constants, 'HF_HUB_OFFLINE', False)
    monkeypatch.setattr(huggingface_hub, 'hf_hub_download', hub_download)
    assert main(['download', RELEASE, '--force']) == 0
    assert calls == [True]
    again = torch.load(converted, weights_only=True)['state_dict']
    assert again.keys() == first.keys()
    assert all(torch.equal(again[k], first[k]) for k in first)


@pytest.mark.slow
def test_parse_an_official_file_with_crop_options(fake_hub, tmp_path):
    hub_cache, _ = fake_hub
    photo = tmp_path / 'photo.jpg'
    image = cv2.resize(face_photo(), (120, 150))
    cv2.imwrite(str(photo), image)
    official = str(tmp_path / 'model_299.pt')  # not in a release folder
    shutil.copy(snapshot_file(hub_cache, RELEASE), official)
    box = [20, 30, 100, 130]
    FixedBoxFaceDetector.built_with.clear()

    def parse(out, crop_mode, margin):
        assert main([
            'parse',
            str(photo), '--model', RELEASE, '--checkpoint', official,
            '--device', 'cpu', '--in-the-wild', '--detector',
            'FixedBoxFaceDetector', '--detector-options',
            f'box={box}'.replace(' ', ''), 'score_thr=0.5', '--crop-mode',
            crop_mode, '--margin',
            str(margin), '--out-dir',
            str(out)
        ]) == 0
        return np.array(Image.open(out / 'pred' / 'photo.png'))

    labels = parse(tmp_path / 'box', 'box', 0.1)
    # the options reached the detector, and its face the records
    assert FixedBoxFaceDetector.built_with == [dict(box=box, score_thr=0.5)]
    faces = json.loads((tmp_path / 'box' / 'faces' / 'photo.json').read_text())
    assert [f['box'] for f in faces['faces']] == [box]

    # the same parse through the Python API, with the file converted there
    parser = FaceParser.from_pretrained(
        RELEASE,
        official,
        device='cpu',
        detector=FixedBoxFaceDetector(box=box),
        crop_mode='box',
        margin=0.1)
    np.testing.assert_array_equal(labels, parser.predict(str(photo)).labels)
    # margin and crop mode change the crop, so the labels
    wider = parse(tmp_path / 'wide', 'box', 0.4)
    whole = parse(tmp_path / 'whole', 'none', 0.1)
    assert (wider != labels).any() and (whole != labels).any()
    parser.crop_mode = 'none'
    np.testing.assert_array_equal(whole, parser.predict(str(photo)).labels)


def test_convert_with_release_and_backbone(fake_hub, tmp_path, capsys):
    hub_cache, _ = fake_hub
    src = str(tmp_path / 'model_299.pt')  # the folder names no release
    shutil.copy(snapshot_file(hub_cache, RELEASE), src)
    dst = str(tmp_path / 'out.pth')
    assert main(['convert', src, dst]) == 0
    assert 'release unknown (pass --release' in capsys.readouterr().out
    assert main(
        ['convert', src, dst, '--release', RELEASE, '--backbone',
         'mobilenet']) == 0
    out = capsys.readouterr().out
    assert f'release {RELEASE}, config: ' in out
    meta = torch.load(dst, weights_only=True)['meta']
    assert meta['segface']['release'] == RELEASE
    assert meta['dataset_meta']['classes'][2] == 'skin'
    # a release or backbone the file is not: one line, nothing written
    os.remove(dst)
    with pytest.raises(SystemExit, match='error: .*resnet'):
        main(['convert', src, dst, '--backbone', 'resnet'])
    with pytest.raises(SystemExit, match='error: .*swinb_lapa_512'):
        main(['convert', src, dst, '--release', 'swinb_lapa_512'])
    assert not os.path.exists(dst)
