# Copyright (c) segface-mmseg contributors. All rights reserved.
"""demo/image_demo.py and demo/video_demo.py on generated inputs."""
import os
import os.path as osp
import re

import cv2
import numpy as np
import pytest
from PIL import Image

from segface_mmseg.apis import FaceParser
from tests.helpers.photos import face_photo
from tests.helpers.utils import load_script


def _load_demo(name):
    return load_script('demo', f'{name}.py')


@pytest.fixture
def photo_folder(tmp_path):
    """Photos in every awkward mode, plus a broken file."""
    folder = tmp_path / 'photos'
    folder.mkdir()
    img = cv2.resize(face_photo(), (96, 112))
    rgb = img[..., ::-1]
    Image.fromarray(rgb[..., 0]).save(folder / 'gray.png')
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 128, np.uint8)])
    Image.fromarray(rgba, 'RGBA').save(folder / 'rgba.png')
    cv2.imwrite(str(folder / 'deep.png'), img.astype(np.uint16) * 257)
    pil = Image.fromarray(rgb)
    exif = pil.getexif()
    exif[0x0112] = 8  # rotated: displayed 112 wide, 96 high
    pil.save(folder / 'rotated.jpg', exif=exif)
    (folder / 'broken.jpg').write_bytes(b'\x00\x01 not a jpeg')
    return folder


def test_image_demo_writes_labels_overlays_and_masks(photo_folder, tmp_path,
                                                     tiny_config,
                                                     tiny_checkpoint, capsys):
    demo = _load_demo('image_demo')
    out = tmp_path / 'out'
    code = demo.main([
        str(photo_folder), tiny_config, tiny_checkpoint, '--out-dir',
        str(out), '--batch-size', '2', '--masks'
    ])
    assert code == 1  # the broken file is reported
    assert 'broken.jpg' in capsys.readouterr().err
    names = sorted(os.listdir(out / 'pred'))
    assert names == ['deep.png', 'gray.png', 'rgba.png', 'rotated.png']
    parser = FaceParser(tiny_config, tiny_checkpoint)
    for name in names:
        labels = np.array(Image.open(out / 'pred' / name))
        stem = osp.splitext(name)[0]
        src = next(p for p in photo_folder.iterdir() if p.stem == stem)
        np.testing.assert_array_equal(labels, parser.parse(str(src)))
        vis = cv2.imread(str(out / 'vis' / f'{stem}.jpg'))
        assert vis.shape[0] >= labels.shape[0]  # small images: padded
        assert vis.shape[1] > labels.shape[1]  # the legend column
        masks = sorted(os.listdir(out / 'masks' / stem))
        assert len(masks) == 19 and masks[2] == '02_skin.png'
        stack = np.stack([
            cv2.imread(str(out / 'masks' / stem / m), cv2.IMREAD_GRAYSCALE)
            for m in masks
        ])
        # the masks partition the image
        np.testing.assert_array_equal((stack > 0).sum(0), 1)
        np.testing.assert_array_equal(stack.argmax(0), labels)
    assert np.array(Image.open(out / 'pred/rotated.png')).shape == (96, 112)


def test_image_demo_in_the_wild_on_one_file(tmp_path, tiny_config,
                                            tiny_checkpoint):
    demo = _load_demo('image_demo')
    path = tmp_path / 'portrait.jpg'
    cv2.imwrite(str(path), face_photo())
    code = demo.main([
        str(path), tiny_config, tiny_checkpoint, '--out-dir',
        str(tmp_path / 'out'), '--in-the-wild', '--show-faces', '--no-legend'
    ])
    assert code == 0
    vis = cv2.imread(str(tmp_path / 'out/vis/portrait.jpg'))
    assert vis.shape == face_photo().shape


def test_video_demo_writes_every_frame(tmp_path, tiny_config, tiny_checkpoint):
    demo = _load_demo('video_demo')
    src = str(tmp_path / 'in.avi')
    writer = cv2.VideoWriter(src, cv2.VideoWriter_fourcc(*'MJPG'), 5, (80, 60))
    frame = cv2.resize(face_photo(), (80, 60))
    for i in range(7):
        writer.write(np.roll(frame, 3 * i, axis=1))
    writer.release()
    out = str(tmp_path / 'videos' / 'out.mp4')
    assert demo.main(
        [src, tiny_config, tiny_checkpoint, '--out', out, '--batch-size',
         '3']) == 0
    capture = cv2.VideoCapture(out)
    frames = 0
    while True:
        ok, img = capture.read()
        if not ok:
            break
        assert img.shape == (60, 80, 3)
        frames += 1
    assert frames == 7
    assert os.listdir(tmp_path / 'videos') == ['out.mp4']
    # --max-frames, and a clear error for a missing input
    assert demo.main(
        [src, tiny_config, tiny_checkpoint, '--out', out, '--max-frames',
         '2']) == 0
    assert int(cv2.VideoCapture(out).get(cv2.CAP_PROP_FRAME_COUNT)) == 2
    with pytest.raises(SystemExit, match='nothing.mp4: no such video'):
        demo.main([
            str(tmp_path / 'nothing.mp4'), tiny_config, tiny_checkpoint,
            '--out', out
        ])


def test_video_demo_reports_a_truncated_video(tmp_path, tiny_config,
                                              tiny_checkpoint):
    """A video whose frames end before its header says: the frames read
    are written, then an error names the file and how many were read."""
    demo = _load_demo('video_demo')
    src = str(tmp_path / 'in.avi')
    writer = cv2.VideoWriter(src, cv2.VideoWriter_fourcc(*'MJPG'), 5, (80, 60))
    for i in range(8):
        writer.write(np.roll(cv2.resize(face_photo(), (80, 60)), i, axis=1))
    writer.release()
    data = open(src, 'rb').read()
    with open(src, 'wb') as f:
        f.write(data[:len(data) * 2 // 3])
    out = tmp_path / 'out.mp4'
    out.write_bytes(b'earlier')
    with pytest.raises(
            SystemExit, match=r'in.avi: only (\d) of its 8 frames') as error:
        demo.main([
            src, tiny_config, tiny_checkpoint, '--out',
            str(out), '--out-dir',
            str(tmp_path / 'frames')
        ])
    read = int(re.search(r'only (\d)', str(error.value)).group(1))
    assert 0 < read < 8
    assert int(cv2.VideoCapture(str(out)).get(
        cv2.CAP_PROP_FRAME_COUNT)) == read
    assert sorted(os.listdir(
        tmp_path / 'frames/pred/in')) == [f'{i:06d}.png' for i in range(read)]
    assert sorted(os.listdir(tmp_path)) == ['frames', 'in.avi', 'out.mp4']


def test_image_demo_keeps_inputs_apart_and_reports_faceless_images(
        tmp_path, tiny_config, tiny_checkpoint, capsys):
    demo = _load_demo('image_demo')
    folder = tmp_path / 'in'
    folder.mkdir()
    cv2.imwrite(str(folder / 'face.jpg'), face_photo())
    cv2.imwrite(str(folder / 'face.png'), np.roll(face_photo(), 9, axis=1))
    cv2.imwrite(str(folder / 'wall.png'), np.full((64, 64, 3), 128, np.uint8))
    out = tmp_path / 'out'
    code = demo.main([
        str(folder), tiny_config, tiny_checkpoint, '--out-dir',
        str(out), '--in-the-wild', '--detector', 'haar'
    ])
    assert code == 0
    assert sorted(os.listdir(
        out / 'pred')) == ['face_jpg.png', 'face_png.png', 'wall.png']
    err = capsys.readouterr().err
    assert 'no face detected' in err and 'wall.png' in err


@pytest.mark.parametrize('args, message', [
    (['--opacity', '5'], 'must be between 0 and 1'),
    (['--batch-size', '0'], 'must be at least 1'),
])
def test_demo_arguments_are_checked(tmp_path, tiny_config, tiny_checkpoint,
                                    capsys, args, message):
    demo = _load_demo('image_demo')
    with pytest.raises(SystemExit):
        demo.main([str(tmp_path), tiny_config, tiny_checkpoint] + args)
    assert message in capsys.readouterr().err


def test_detector_options_from_the_command_line(tmp_path, tiny_config,
                                                tiny_checkpoint, capsys):
    demo = _load_demo('image_demo')
    path = tmp_path / 'portrait.jpg'
    cv2.imwrite(str(path), face_photo())
    common = [
        str(path), tiny_config, tiny_checkpoint, '--out-dir',
        str(tmp_path / 'out'), '--in-the-wild'
    ]
    assert demo.main(common + [
        '--detector', 'haar', '--detector-options', 'scale_factor=1.2',
        'min_neighbors=3'
    ]) == 0
    # mmdet needs its config and checkpoint: said, not a traceback
    with pytest.raises(SystemExit, match='--detector mmdet: .*config'):
        demo.main(common + ['--detector', 'mmdet'])
    with pytest.raises(SystemExit, match='--detector-options KEY=VALUE'):
        demo.main(
            common +
            ['--detector', 'haar', '--detector-options', 'no_such_option=1'])


def test_a_video_writer_that_fails_silently_is_caught(tmp_path, tiny_config,
                                                      tiny_checkpoint,
                                                      monkeypatch):
    """OpenCV's writer ignores write errors (a full disk): a video holding
    fewer frames than were parsed never takes the output's name."""
    demo = _load_demo('video_demo')
    src = str(tmp_path / 'in.avi')
    writer = cv2.VideoWriter(src, cv2.VideoWriter_fourcc(*'MJPG'), 5, (80, 60))
    for i in range(5):
        writer.write(np.roll(cv2.resize(face_photo(), (80, 60)), i, axis=1))
    writer.release()
    real_writer = cv2.VideoWriter

    class FullDiskWriter:
        """Writes the first 2 frames, then drops the rest silently."""

        def __init__(self, *args):
            self.writer, self.count = real_writer(*args), 0

        def isOpened(self):
            return self.writer.isOpened()

        def write(self, frame):
            self.count += 1
            if self.count <= 2:
                self.writer.write(frame)

        def release(self):
            self.writer.release()

    monkeypatch.setattr(cv2, 'VideoWriter', FullDiskWriter)
    out = tmp_path / 'out.mp4'
    out.write_bytes(b'earlier')
    with pytest.raises(SystemExit) as error:
        demo.main([src, tiny_config, tiny_checkpoint, '--out', str(out)])
    assert str(error.value.code) == (
        f'error: {out}: cannot be written (OpenCV wrote 2 of its 5 frames (is '
        'the disk full?)); choose another --out; the outputs written before '
        'it are complete')
    assert out.read_bytes() == b'earlier'
    assert sorted(os.listdir(tmp_path)) == ['in.avi', 'out.mp4']
