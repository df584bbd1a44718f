# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Output names unique in a run, the --out-dir check and one-line write
errors (segface_runtime.output_files)."""
import errno
import os
import os.path as osp
import random

import pytest

from segface_runtime.output_files import (output_errors, output_stems,
                                          prepare_out_dir, unique_inputs)

ROOT = osp.abspath('inputs')


def _stems(*names):
    return output_stems([osp.join(ROOT, name) for name in names], ROOT)


@pytest.mark.parametrize(
    'names, expected',
    [
        (('face.jpg', 'face.png'), ['face_jpg', 'face_png']),
        (('face.jpg', 'face.JPG'), ['face_jpg', 'face_jpg_2']),
        (('Face.jpg', 'face.png'), ['Face_jpg', 'face_png']),
        (('a/clip.mp4', 'b/clip.mp4'), ['a/clip', 'b/clip']),
        (('clip.jpg', 'clip.mp4'), ['clip_jpg', 'clip_mp4']),
        (('clip.mp4', 'clip.avi', 'x.png'), ['clip_mp4', 'clip_avi', 'x']),
        # a generated name never takes another input's own name
        (('face.jpg', 'face.JPG', 'face_jpg_2.png'),
         ['face_jpg', 'face_jpg_3', 'face_jpg_2']),
    ])
def test_names_are_unique_ignoring_case(names, expected):
    assert _stems(*names) == expected


def test_any_set_of_inputs_gets_unique_names():
    rng = random.Random(0)
    parts = ['a', 'A', 'face', 'Face', 'face_jpg', 'face_jpg_2', 'clip']
    exts = ['.jpg', '.JPG', '.png', '.mp4', '.avi', '.Mp4']
    for _ in range(300):
        names = {
            osp.join(*rng.sample(parts, rng.randint(1, 2))) + rng.choice(exts)
            for _ in range(rng.randint(1, 12))
        }
        stems = _stems(*sorted(names))
        assert len({s.casefold() for s in stems}) == len(stems), names


def test_the_same_file_twice_is_parsed_once(tmp_path):
    (tmp_path / 'a.jpg').write_bytes(b'')
    path = str(tmp_path / 'a.jpg')
    again = str(tmp_path / '.' / 'a.jpg')
    assert unique_inputs([path, again, path]) == [path]


def test_an_out_dir_that_is_a_file_or_under_one(tmp_path, monkeypatch):
    out = tmp_path / 'out'
    out.write_bytes(b'my notes')
    with pytest.raises(SystemExit, match='out: is a file, not a folder'):
        prepare_out_dir(str(out))
    with pytest.raises(
            SystemExit, match=f'sub: cannot be created: {out} is a file'):
        prepare_out_dir(str(out / 'sub'))
    assert out.read_bytes() == b'my notes'
    assert prepare_out_dir(str(tmp_path / 'new' / 'out'))
    assert not osp.exists(tmp_path / 'new')  # created by the first output
    # a read-only folder (os.access is what says so, also for root)
    monkeypatch.setattr(os, 'access', lambda path, mode: False)
    with pytest.raises(
            SystemExit,
            match=f'new/out: cannot be written \\({tmp_path} is '
            'read-only'):
        prepare_out_dir(str(tmp_path / 'new' / 'out'))


@pytest.mark.parametrize('code, message', [
    (errno.ENOSPC, 'No space left on device: free some space'),
    (errno.EFBIG, 'File too large: free some space'),
    (errno.EROFS, r'cannot be written \(Read-only file system\); choose '
     'another --out-dir'),
])
def test_write_errors_are_one_line_naming_the_file(tmp_path, code, message):
    path = str(tmp_path / 'pred' / 'a.png')
    with pytest.raises(SystemExit, match=f'^error: {path}: {message}'):
        with output_errors(str(tmp_path)):
            raise OSError(code, os.strerror(code), path)
