# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The ``segface`` command, in process, against an offline hub cache."""
import errno
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


def _video(path, frames, size=(64, 48)):
    writer = cv2.VideoWriter(
        str(path), cv2.VideoWriter_fourcc(*'MJPG'), 5, size)
    photo = cv2.resize(face_photo(), size)
    for i in range(frames):
        writer.write(np.roll(photo, 5 * i, axis=1))
    writer.release()
    return str(path)


def _frames(path):
    return int(cv2.VideoCapture(str(path)).get(cv2.CAP_PROP_FRAME_COUNT))


def test_outputs_of_one_run_never_overwrite_each_other(tmp_path, tiny_config,
                                                       tiny_checkpoint,
                                                       capsys):
    """face.jpg and face.JPG, two clip.mp4 in two folders, clip.mp4 and
    clip.avi: one output each, each the parse of its own input, and the
    summary says which input went where."""
    inputs = tmp_path / 'in'
    for sub in ('a', 'b'):
        (inputs / sub).mkdir(parents=True)
    photo = cv2.resize(face_photo(), (64, 80))
    cv2.imwrite(str(inputs / 'face.jpg'), photo)
    cv2.imwrite(str(inputs / 'face.JPG'), photo[:, ::-1])
    videos = [
        _video(inputs / 'a' / 'clip.mp4', 2),
        _video(inputs / 'b' / 'clip.mp4', 3),
        _video(inputs / 'b' / 'clip.avi', 4)
    ]
    out = tmp_path / 'out'
    code = main([
        'parse',
        str(inputs), *videos, '--model', tiny_config, '--checkpoint',
        tiny_checkpoint, '--out-dir',
        str(out), '--overlay'
    ])
    assert code == 0
    parser = FaceParser(tiny_config, tiny_checkpoint)
    # in input order: the folder's files sorted, 'face.JPG' first
    for name, src in (('face_jpg', 'face.JPG'), ('face_jpg_2', 'face.jpg')):
        labels = np.array(Image.open(out / 'pred' / f'{name}.png'))
        np.testing.assert_array_equal(labels, parser.parse(str(inputs / src)))
        assert (out / 'vis' / f'{name}.jpg').is_file()
    assert sorted(os.listdir(
        out / 'pred')) == ['a', 'b', 'face_jpg.png', 'face_jpg_2.png']
    # each video's frame labels in a folder of its own
    assert sorted(os.listdir(out / 'pred' / 'b')) == ['clip_avi', 'clip_mp4']
    assert len(os.listdir(out / 'pred' / 'b' / 'clip_avi')) == 4
    assert _frames(out / 'videos' / 'a' / 'clip.mp4') == 2
    assert _frames(out / 'videos' / 'b' / 'clip_mp4.mp4') == 3
    assert _frames(out / 'videos' / 'b' / 'clip_avi.mp4') == 4
    printed = capsys.readouterr().out
    assert f'{inputs / "face.jpg"} -> face_jpg_2' in printed
    assert f'{videos[1]}: 3 frame(s) parsed, labels in ' \
           f'{out / "pred" / "b" / "clip_mp4"}, overlaid video ' \
           f'{out / "videos" / "b" / "clip_mp4.mp4"}' in printed


def test_a_bad_video_is_listed_and_the_next_one_parsed(tmp_path, tiny_config,
                                                       tiny_checkpoint,
                                                       capsys):
    bad = tmp_path / 'bad.avi'
    bad.write_bytes(b'not a video at all' * 100)
    good = _video(tmp_path / 'good.avi', 3)
    out = tmp_path / 'out'
    code = main([
        'parse',
        str(bad), good, '--model', tiny_config, '--checkpoint',
        tiny_checkpoint, '--out-dir',
        str(out), '--overlay'
    ])
    assert code == 1
    assert _frames(out / 'videos' / 'good.mp4') == 3
    assert not (out / 'videos' / 'bad.mp4').exists()
    err = capsys.readouterr().err
    assert '1 video(s) not written' in err
    assert f'{bad}: OpenCV cannot open this video' in err


def test_unwritable_outputs_end_the_run_with_one_line(tmp_path, tiny_config,
                                                      tiny_checkpoint,
                                                      monkeypatch):
    """An --out-dir that is a file: refused before the model is loaded. A
    disk that fills up: one line naming the file; the outputs written
    before it are whole."""
    import segface_runtime.atomic_files as atomic_files
    photo = cv2.resize(face_photo(), (64, 80))
    for name in ('a', 'b'):
        cv2.imwrite(str(tmp_path / f'{name}.jpg'), photo)
    args = [
        'parse',
        str(tmp_path / 'a.jpg'),
        str(tmp_path / 'b.jpg'), '--model', tiny_config, '--checkpoint',
        tiny_checkpoint, '--out-dir'
    ]
    (tmp_path / 'file').write_bytes(b'notes')
    with pytest.raises(SystemExit, match='file: is a file, not a folder'):
        main(args + [str(tmp_path / 'file')])

    out = tmp_path / 'out'
    full = str(out / 'pred' / 'b.png')

    def full_disk(path, mode='r', *rest, **kwargs):
        if 'w' in mode and '.b.png.' in osp.basename(path):
            raise OSError(errno.ENOSPC, 'No space left on device')
        return open(path, mode, *rest, **kwargs)

    monkeypatch.setattr(atomic_files, 'open', full_disk, raising=False)
    with pytest.raises(SystemExit) as error:
        main(args + [str(out)])
    assert str(error.value.code) == (
        f'error: {full}: No space left on device: free some space or choose '
        'another --out-dir; the outputs written before it are complete')
    written = np.array(Image.open(out / 'pred' / 'a.png'))
    parser = FaceParser(tiny_config, tiny_checkpoint)
    np.testing.assert_array_equal(written,
                                  parser.parse(str(tmp_path / 'a.jpg')))
    assert sorted(os.listdir(out / 'pred')) == ['a.png']


def test_convert_onto_a_full_disk_is_one_line(fake_hub, tmp_path, monkeypatch):
    import segface_runtime.atomic_files as atomic_files
    hub_cache, _ = fake_hub
    dst = tmp_path / 'converted.pth'
    dst.write_bytes(b'an earlier conversion')

    def full_disk(path, mode='r', *args, **kwargs):
        if 'w' in mode:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(atomic_files, 'open', full_disk, raising=False)
    with pytest.raises(SystemExit) as error:
        main(['convert', snapshot_file(hub_cache, RELEASE), str(dst)])
    assert str(error.value.code) == (
        f'error: {dst}: No space left on device: free some space or choose '
        'another DST; the outputs written before it are complete')
    assert dst.read_bytes() == b'an earlier conversion'
    assert sorted(os.listdir(tmp_path)) == ['converted.pth', 'hf']


def test_config_dump_onto_a_full_disk_keeps_the_old_file(
        tmp_path, monkeypatch):
    dst = tmp_path / 'base.py'
    dst.write_text('# my edits\n')

    def full_disk(self, file=None):
        with open(file, 'w') as f:
            f.write('model = dict(')
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Config, 'dump', full_disk)
    with pytest.raises(SystemExit) as error:
        main(['config', RELEASE, '--dump', str(dst)])
    assert str(error.value.code) == (
        f'error: {dst}: No space left on device: free some space or choose '
        'another --dump; the outputs written before it are complete')
    assert dst.read_text() == '# my edits\n'
    assert os.listdir(tmp_path) == ['base.py']
