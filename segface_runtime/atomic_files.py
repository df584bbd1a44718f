# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Atomic file writing: a file under its final name is always complete.

Every writer of the package and of the runtime (dataset converters,
checkpoint conversion and training checkpoints, ONNX export, parsed
outputs, demos) writes through
:func:`atomic_output`: the data goes to a hidden temporary file beside the
target, ``.<name>.<pid>.segface-tmp``, which is renamed onto the target once
it is complete (a rename within a folder is atomic on POSIX and Windows).
A failure removes the temporary file and leaves an existing target as it
was. A process killed mid-write (kill -9, power loss) leaves its temporary
file behind; the next write to the same target, or
:func:`remove_stale_temporaries` on the folder, removes it once the process
that wrote it is gone. :func:`atomic_output_dir` does the same for a whole
folder (a dataset drawn or written file by file), published in one rename.
"""
import contextlib
import os
import os.path as osp
import re
import shutil
from typing import Iterator

TMP_SUFFIX = '.segface-tmp'
_TMP_PATTERN = re.compile(r'^\.(?P<name>.+)\.(?P<pid>\d+)' +
                          re.escape(TMP_SUFFIX) + r'(\.[^.]*)?$')


def temporary_path(path: str) -> str:
    """The hidden temporary file of this process for ``path``."""
    folder, name = osp.split(path)
    ext = osp.splitext(name)[1]
    return osp.join(folder, f'.{name}.{os.getpid()}{TMP_SUFFIX}{ext}')


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_temporaries(folder: str,
                             recursive: bool = True,
                             target: str = None) -> int:
    """Remove the temporary files that killed writers left in ``folder``.

    Args:
        folder (str): Where to look.
        recursive (bool): Also in its sub-folders. Default: True.
        target (str, optional): Only those of this file name.

    Returns:
        int: How many were removed. Files of live processes are kept.
    """
    removed = 0
    for root, dirs, files in os.walk(folder):
        for name in files + dirs:
            match = _TMP_PATTERN.match(name)
            if (match is None
                    or (target is not None and match['name'] != target)
                    or _alive(int(match['pid']))):
                continue
            path = osp.join(root, name)
            with contextlib.suppress(FileNotFoundError):
                if osp.isdir(path) and not osp.islink(path):
                    shutil.rmtree(path)  # a folder of atomic_output_dir
                else:
                    os.remove(path)
                removed += 1
        dirs[:] = [d for d in dirs if _TMP_PATTERN.match(d) is None]
        if not recursive:
            break
    return removed


def default_file_mode() -> int:
    """Permissions of a new file under the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_output(path: str) -> Iterator[str]:
    """Write ``path`` through a temporary file, then rename it.

    Example::

        with atomic_output('model.onnx') as tmp:
            torch.onnx.export(model, x, tmp)

    Args:
        path (str): The target; its folder is created if needed.

    Yields:
        str: The temporary path to write to. On a clean exit it becomes
        ``path`` (permissions as for a new file under the umask); on an
        exception it is removed and ``path`` is left as it was. An
        ``OSError`` that names no file (a full disk) or the temporary one
        is given ``path`` as its ``filename``.
    """
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    remove_stale_temporaries(
        folder, recursive=False, target=osp.basename(path))
    tmp = temporary_path(osp.abspath(path))
    try:
        yield tmp
        if not osp.isfile(tmp):
            raise FileNotFoundError(f'{path}: nothing was written')
        os.chmod(tmp, default_file_mode())
        os.replace(tmp, path)
    except OSError as error:
        # a write error (a full disk) names no file: name the target
        if error.errno is not None and error.filename in (None, tmp):
            error.filename = path
        raise
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)


def atomic_write_bytes(path: str, data: bytes, fsync: bool = False) -> None:
    """Write ``data`` to ``path`` atomically.

    Args:
        path (str): The target.
        data (bytes): Its content.
        fsync (bool): Also flush it to the disk before the rename, and the
            rename after it, so that it survives a power loss, not only a
            killed process. Default: False.
    """
    with atomic_output(path) as tmp:
        with open(tmp, 'wb') as f:
            f.write(data)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
    if fsync and hasattr(os, 'O_DIRECTORY'):  # POSIX: flush the rename
        folder = os.open(osp.dirname(osp.abspath(path)), os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


@contextlib.contextmanager
def atomic_output_dir(path: str) -> Iterator[str]:
    """Fill the folder ``path`` through a temporary folder, then rename it.

    Example::

        with atomic_output_dir('data/raw') as tmp:
            write_everything_into(tmp)

    Args:
        path (str): The folder to create; it must not exist.

    Yields:
        str: The new, empty temporary folder (``.<name>.<pid>.segface-tmp``
        beside ``path``). On a clean exit it becomes ``path``; on an
        exception it is removed, and only it.

    Raises:
        FileExistsError: ``path`` exists.
    """
    path = osp.abspath(path)
    if osp.lexists(path):
        raise FileExistsError(f'{path} already exists; remove it or choose '
                              'another folder')
    parent = osp.dirname(path)
    os.makedirs(parent, exist_ok=True)
    remove_stale_temporaries(
        parent, recursive=False, target=osp.basename(path))
    tmp = temporary_path(path)
    os.mkdir(tmp)  # fails rather than reuse a folder this process has open
    try:
        yield tmp
        os.rename(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
