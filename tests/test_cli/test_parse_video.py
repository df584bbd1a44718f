# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``segface parse VIDEO``: per-frame files, face records, bad videos."""
import json
import os
import re

import cv2
import numpy as np
import pytest
from PIL import Image

from segface_mmseg.apis import FaceParser
from segface_mmseg.cli.main import main
from tests.helpers.photos import face_photo


def _write_video(path, frames=4, size=(200, 240)):
    writer = cv2.VideoWriter(
        str(path), cv2.VideoWriter_fourcc(*'MJPG'), 5, size)
    image = cv2.resize(face_photo(), size)
    for i in range(frames):
        writer.write(np.roll(image, 2 * i, axis=1))
    writer.release()
    return str(path)


def _read_frames(path):
    capture = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            return frames
        frames.append(frame)


def test_no_temporal_gives_the_per_frame_labels(tmp_path, tiny_config,
                                                tiny_checkpoint):
    video = _write_video(tmp_path / 'clip.avi')
    out = tmp_path / 'out'
    assert main([
        'parse', video, '--model', tiny_config, '--checkpoint',
        tiny_checkpoint, '--out-dir',
        str(out), '--no-temporal', '--masks'
    ]) == 0
    parser = FaceParser(tiny_config, tiny_checkpoint)
    frames = _read_frames(video)
    assert sorted(os.listdir(out / 'pred' /
                             'clip')) == [f'{i:06d}.png' for i in range(4)]
    for i, frame in enumerate(frames):
        labels = np.array(Image.open(out / 'pred' / 'clip' / f'{i:06d}.png'))
        np.testing.assert_array_equal(labels, parser.parse(frame))
    assert len(os.listdir(out / 'masks' / 'clip' / '000003')) == 19
    assert not (out / 'videos').exists()  # no --overlay, no video


def test_temporal_in_the_wild_writes_frames_faces_and_overlay(
        tmp_path, tiny_config, tiny_checkpoint):
    video = _write_video(tmp_path / 'clip.avi', frames=5, size=(400, 480))
    out = tmp_path / 'out'
    assert main([
        'parse', video, '--model', tiny_config, '--checkpoint',
        tiny_checkpoint, '--out-dir',
        str(out), '--in-the-wild', '--detector', 'haar', '--soft-masks',
        '--overlay'
    ]) == 0
    assert len(os.listdir(out / 'pred' / 'clip')) == 5
    assert len(os.listdir(out / 'soft_masks' / 'clip' / '000004')) == 19
    lines = (out / 'faces' / 'clip.jsonl').read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r['frame'] for r in records] == list(range(5))
    assert {r['track_id'] for r in records} == {0}  # one face, one track
    assert len(records[0]['box']) == 4
    capture = cv2.VideoCapture(str(out / 'videos' / 'clip.mp4'))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 5


@pytest.mark.parametrize('content, message', [
    (None, 'no frame could be read'),
    (b'not a video at all', 'OpenCV cannot open this video'),
])
def test_bad_videos_are_refused_and_leave_nothing(tmp_path, tiny_config,
                                                  tiny_checkpoint, content,
                                                  message, capsys):
    video = tmp_path / 'bad.avi'
    if content is None:  # a header and no frame
        cv2.VideoWriter(
            str(video), cv2.VideoWriter_fourcc(*'MJPG'), 5,
            (64, 64)).release()
    else:
        video.write_bytes(content)
    out = tmp_path / 'out'
    code = main([
        'parse',
        str(video), '--model', tiny_config, '--checkpoint', tiny_checkpoint,
        '--out-dir',
        str(out), '--overlay', '--in-the-wild', '--detector', 'haar'
    ])
    assert code == 1
    assert re.search(f'bad.avi: .*{message}', capsys.readouterr().err)
    assert not out.exists() or not any(files for _, _, files in os.walk(out))


def test_an_unwritable_output_is_one_line(tmp_path, tiny_config,
                                          tiny_checkpoint):
    video = _write_video(tmp_path / 'clip.avi', frames=2)
    (tmp_path / 'out').mkdir()
    blocker = tmp_path / 'out' / 'pred'  # where the frame labels go
    blocker.write_text('a file where the output folder should be')
    with pytest.raises(SystemExit, match='pred/clip: cannot be written'):
        main([
            'parse', video, '--model', tiny_config, '--checkpoint',
            tiny_checkpoint, '--out-dir',
            str(tmp_path / 'out')
        ])
    assert blocker.read_text().startswith('a file')
