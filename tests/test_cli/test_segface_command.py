# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The ``segface`` command, in process, against an offline hub cache."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from PIL import Image

from segface_mmseg.apis import FaceParser
from segface_mmseg.cli.main import main
from segface_mmseg.zoo import converted_path, resolve_config
from tests.helpers.hub_cache import snapshot_file
from tests.helpers.photos import face_photo

RELEASE = 'mobilenet_celeba_512'


@pytest.fixture
def inputs(tmp_path):
    """A folder of two photos, one more photo, and a 4-frame video."""
    folder = tmp_path / 'photos'
    folder.mkdir()
    small = cv2.resize(face_photo(), (80, 100))
    cv2.imwrite(str(folder / 'a.jpg'), small)
    cv2.imwrite(str(folder / 'b.png'), np.roll(small, 7, axis=1))
    cv2.imwrite(str(tmp_path / 'c.jpg'), small[:, ::-1])
    video = str(tmp_path / 'clip.avi')
    writer = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*'MJPG'), 5,
                             (80, 100))
    for i in range(4):
        writer.write(np.roll(small, i, axis=0))
    writer.release()
    return folder, tmp_path / 'c.jpg', video


def test_parse_images_folders_and_videos_by_name(fake_hub, inputs, tmp_path,
                                                 capsys):
    folder, photo, video = inputs
    out = tmp_path / 'out'
    code = main([
        'parse',
        str(folder),
        str(photo), video, '--model', RELEASE, '--out-dir',
        str(out), '--overlay', '--masks', '--soft-masks', '--batch-size', '2'
    ])
    assert code == 0
    # the same batches ([a, b], [c]) through the Python API
    parser = FaceParser.from_pretrained(RELEASE, batch_size=2)
    files = [folder / 'a.jpg', folder / 'b.png', photo]
    expected = parser.predict([str(f) for f in files[:2]], probs=True)
    expected += parser.predict([str(files[2])], probs=True)
    for result, name in zip(expected, ('photos/a', 'photos/b', 'c')):
        labels = np.array(Image.open(out / 'pred' / f'{name}.png'))
        np.testing.assert_array_equal(labels, result.labels)
        assert (out / 'vis' / f'{name}.jpg').is_file()
        masks = sorted(os.listdir(out / 'masks' / name))
        assert len(masks) == 19 and masks[2] == '02_skin.png'
        soft = np.stack([
            np.array(Image.open(out / 'soft_masks' / name / m)) for m in masks
        ])
        np.testing.assert_array_equal(soft, np.rint(result.probs * 255))
    frames = cv2.VideoCapture(str(out / 'videos' / 'clip.mp4'))
    assert int(frames.get(cv2.CAP_PROP_FRAME_COUNT)) == 4
    assert not (out / 'faces').exists()  # no detector, no face records


def test_list_download_convert_and_config(fake_hub, tmp_path, capsys):
    hub_cache, _ = fake_hub

    def listed_row():
        assert main(['list']) == 0
        return [
            line.split() for line in capsys.readouterr().out.splitlines()
            if line.startswith(RELEASE)
        ][0]

    assert listed_row()[1:5] == ['CelebAMask-HQ', '512', '87.91', 'no']
    assert main(['download', RELEASE]) == 0
    assert converted_path(RELEASE) in capsys.readouterr().out
    assert listed_row()[4] == 'yes'
    with pytest.raises(SystemExit, match='unknown release.*swinb_lapa_512'):
        main(['download', 'nope'])
    with pytest.raises(SystemExit, match='swinb_lapa_512.*not in the '):
        main(['download', 'swinb_lapa_512'])

    # convert: the official file, as the tool does it
    dst = str(tmp_path / 'converted.pth')
    assert main(['convert', snapshot_file(hub_cache, RELEASE), dst]) == 0
    mine = torch.load(dst, weights_only=True)['state_dict']
    cached = torch.load(converted_path(RELEASE), weights_only=True)
    for key, value in cached['state_dict'].items():
        assert torch.equal(mine[key], value), key
    capsys.readouterr()

    # config: the file, or a whole copy a config of one's own inherits from
    main(['config', RELEASE])
    assert capsys.readouterr().out.strip() == resolve_config(RELEASE)
    base = str(tmp_path / 'mobilenet_base.py')
    assert main(['config', RELEASE, '--dump', base]) == 0
    own = tmp_path / 'own.py'
    own.write_text("_base_ = ['./mobilenet_base.py']\n"
                   'model = dict(decode_head=dict(num_classes=5))\n')
    cfg = Config.fromfile(str(own))
    assert cfg.model.decode_head.num_classes == 5
    assert cfg.model.backbone.type == 'mmpretrain.MobileNetV3'
    with pytest.raises(SystemExit, match='not a config file, a release'):
        main(['config', 'nope'])


def test_parse_errors_exit_with_a_message(fake_hub, tmp_path):
    with pytest.raises(SystemExit, match='missing.jpg: no such file'):
        main(['parse', str(tmp_path / 'missing.jpg'), '--model', RELEASE])
    (tmp_path / 'x.jpg').write_bytes(b'\xff\xd8 not really')
    with pytest.raises(SystemExit, match="'nope': not a config file"):
        main(['parse', str(tmp_path / 'x.jpg'), '--model', 'nope'])
    with pytest.raises(SystemExit, match='swinb_lapa_512.*HF_HUB_OFFLINE'):
        main(['parse', str(tmp_path / 'x.jpg'), '--model', 'swinb_lapa_512'])
    assert not osp.exists(str(tmp_path / 'segface_outputs'))


def test_inputs_are_split_into_images_and_videos(tmp_path):
    from segface_mmseg.cli.parse_command import _split_inputs
    (tmp_path / 'sub').mkdir()
    for name in ('a.jpg', 'sub/b.png', 'clip.MP4', 'notes.txt'):
        (tmp_path / name).write_bytes(b'')
    top = [str(tmp_path / 'a.jpg')]
    assert _split_inputs([str(tmp_path)],
                         False) == ([(str(tmp_path), top)], [])
    images, videos = _split_inputs(
        [str(tmp_path), str(tmp_path / 'clip.MP4')], True)
    assert images == [(str(tmp_path), top + [str(tmp_path / 'sub/b.png')])]
    assert videos == [str(tmp_path / 'clip.MP4')]
