# Copyright (c) segface-mmseg contributors. All rights reserved.
import os
import subprocess
import sys

import pytest

from segface_mmseg.utils import (atomic_output, atomic_output_dir,
                                 atomic_write_bytes, remove_stale_temporaries)
from segface_runtime.atomic_files import temporary_path


def _dead_pid():
    proc = subprocess.run(
        [sys.executable, '-c', 'import os; print(os.getpid())'],
        stdout=subprocess.PIPE,
        text=True,
        check=True)
    return int(proc.stdout)


def test_a_failed_write_leaves_the_target_and_no_temporary(tmp_path):
    target = tmp_path / 'out.bin'
    target.write_bytes(b'old')
    with pytest.raises(RuntimeError, match='boom'):
        with atomic_output(str(target)) as tmp:
            open(tmp, 'wb').write(b'half')
            raise RuntimeError('boom')
    assert target.read_bytes() == b'old'
    assert os.listdir(tmp_path) == ['out.bin']


def test_nothing_written_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match='nothing was written'):
        with atomic_output(str(tmp_path / 'out.bin')):
            pass
    assert os.listdir(tmp_path) == []


def test_write_replaces_with_the_umask_mode(tmp_path):
    target = tmp_path / 'sub' / 'out.png'
    atomic_write_bytes(str(target), b'new', fsync=True)
    assert target.read_bytes() == b'new'
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(target).st_mode & 0o777 == 0o666 & ~umask
    # the temporary file keeps the extension (writers pick formats by it)
    assert temporary_path(str(target)).endswith('.segface-tmp.png')


def test_leftovers_of_dead_writers_are_removed_live_ones_kept(tmp_path):
    dead, live = _dead_pid(), os.getpid()
    (tmp_path / 'sub').mkdir()
    files = {
        f'.a.pth.{dead}.segface-tmp.pth': False,  # removed
        f'.a.pth.{live}.segface-tmp.pth': True,  # a live writer's: kept
        f'sub/.b.png.{dead}.segface-tmp.png': False,
        f'.old.txt.{dead}.segface-tmp': False,  # older name, no extension
        'a.pth': True,
    }
    for name in files:
        (tmp_path / name).write_bytes(b'x')
    assert remove_stale_temporaries(str(tmp_path)) == 3
    assert {name: (tmp_path / name).exists() for name in files} == files
    # the next write of a target removes that target's leftovers only
    (tmp_path / f'.c.pth.{dead}.segface-tmp.pth').write_bytes(b'x')
    (tmp_path / f'.d.pth.{dead}.segface-tmp.pth').write_bytes(b'x')
    atomic_write_bytes(str(tmp_path / 'c.pth'), b'c')
    assert not (tmp_path / f'.c.pth.{dead}.segface-tmp.pth').exists()
    assert (tmp_path / f'.d.pth.{dead}.segface-tmp.pth').exists()


def test_atomic_output_dir_publishes_whole_folders_only(tmp_path):
    dead = _dead_pid()
    # the leftover folder of a killed run is removed; the user's raw.tmp
    # and another target's leftovers are kept
    stale = tmp_path / f'.raw.{dead}.segface-tmp'
    (stale / 'deep').mkdir(parents=True)
    (stale / 'deep' / 'x.png').write_bytes(b'x')
    kept = [tmp_path / 'raw.tmp', tmp_path / f'.other.{dead}.segface-tmp']
    for folder in kept:
        folder.mkdir()
    with atomic_output_dir(str(tmp_path / 'raw')) as tmp:
        assert os.listdir(tmp) == []
        open(os.path.join(tmp, 'a.txt'), 'w').write('a')
    assert (tmp_path / 'raw' / 'a.txt').read_text() == 'a'
    assert not stale.exists()
    assert all(folder.is_dir() for folder in kept)
    # an existing folder is refused; a failure removes only its own folder
    with pytest.raises(FileExistsError, match='already exists'):
        with atomic_output_dir(str(tmp_path / 'raw')):
            pass
    with pytest.raises(RuntimeError, match='boom'):
        with atomic_output_dir(str(tmp_path / 'new')) as tmp:
            open(os.path.join(tmp, 'half.txt'), 'w').write('h')
            raise RuntimeError('boom')
    assert sorted(
        os.listdir(tmp_path)) == sorted(['raw'] +
                                        [folder.name for folder in kept])
