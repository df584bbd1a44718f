# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Where one run of ``segface parse`` (or a demo) writes: an output name
for every input, unique in the run, a checked ``--out-dir``, and one-line
errors when writing fails.

The image job and the video job take their names from
:func:`output_stems`, decided for all inputs together before anything is
written, so no output of a run overwrites another.
"""
import contextlib
import errno
import os
import os.path as osp
from typing import Iterator, List, Sequence, Tuple

# disk full, file too large, quota exceeded
FULL_DISK = (errno.ENOSPC, errno.EFBIG, getattr(errno, 'EDQUOT', errno.ENOSPC))


def plain_stem(path: str, root: str) -> str:
    """``path`` under ``root`` without its extension (``photos/face``)."""
    return osp.splitext(osp.relpath(osp.abspath(path), root))[0]


def output_stems(paths: Sequence[str], root: str) -> List[str]:
    """The output name (no extension) of every input, unique in the run.

    An input's name is its path under ``root`` without the extension
    (:func:`plain_stem`). Names are compared ignoring case (as
    case-insensitive file systems do), images and videos alike: inputs that
    would share one keep their extension in it (``face_jpg``, ``face_png``),
    and any that still clash (``face.jpg`` and ``face.JPG``) get ``_2``,
    ``_3``, ... in input order, never a name another input has.

    Args:
        paths (Sequence[str]): The inputs, images and videos, each once.
        root (str): The folder the names are relative to (a folder holding
            every input).

    Returns:
        list[str]: One name per input, in order.
    """
    stems = [plain_stem(path, root) for path in paths]

    def key(stem: str) -> str:
        return osp.normcase(stem).casefold()

    counts = {}
    for stem in stems:
        counts[key(stem)] = counts.get(key(stem), 0) + 1
    stems = [
        f'{stem}_{osp.splitext(path)[1][1:].lower()}'
        if counts[key(stem)] > 1 else stem for stem, path in zip(stems, paths)
    ]
    proposed = {key(stem) for stem in stems}
    names, used = [], set()
    for stem in stems:
        name, number = stem, 1
        while key(name) in used or (name != stem and key(name) in proposed):
            number += 1
            name = f'{stem}_{number}'
        used.add(key(name))
        names.append(name)
    return names


def report_renamed(paths: Sequence[str], names: Sequence[str],
                   root: str) -> List[Tuple[str, str]]:
    """Print, and return as ``(input, name)``, the inputs whose output name
    is not their plain stem (two inputs would have shared it)."""
    pairs = [(path, name) for path, name in zip(paths, names)
             if name != plain_stem(path, root)]
    if pairs:
        print(f'{len(pairs)} input(s) named apart from one with the same '
              'name (outputs under <folder>/<name>.<ext>):')
        for path, name in pairs:
            print(f'  {path} -> {name}')
    return pairs


def unique_inputs(paths: Sequence[str]) -> List[str]:
    """``paths`` without repeats of the same file (first one kept)."""
    seen, kept = set(), []
    for path in paths:
        real = osp.normcase(osp.realpath(path))
        if real not in seen:
            seen.add(real)
            kept.append(path)
    return kept


def prepare_out_dir(out_dir: str) -> str:
    """Check, before anything is written, that outputs can go to
    ``out_dir`` (created as outputs are written).

    Raises:
        SystemExit: ``out_dir`` is a file, lies under a file, or is (or
            would be created in) a folder that cannot be written, with one
            line saying so.
    """
    if osp.exists(out_dir) and not osp.isdir(out_dir):
        raise SystemExit(f'error: --out-dir {out_dir}: is a file, not a '
                         'folder; choose another --out-dir')
    existing = osp.abspath(out_dir)
    while not osp.exists(existing):
        existing = osp.dirname(existing)
    if not osp.isdir(existing):
        raise SystemExit(f'error: --out-dir {out_dir}: cannot be created: '
                         f'{existing} is a file; choose another --out-dir')
    if not os.access(existing, os.W_OK | os.X_OK):
        raise SystemExit(f'error: --out-dir {out_dir}: cannot be written '
                         f'({existing} is read-only or not yours); choose a '
                         'folder you can write to')
    return out_dir


@contextlib.contextmanager
def output_errors(out_dir: str, option: str = '--out-dir') -> Iterator[None]:
    """Turn an error writing outputs into one line (a ``SystemExit``).

    Every output is written whole or not at all
    (:func:`~segface_mmseg.utils.atomic_output`), so the files written
    before the error are complete and an earlier file of the same name is
    kept.

    Args:
        out_dir (str): Where the outputs go.
        option (str): The option that chose it, named in the advice.
            Default: '--out-dir'.
    """
    try:
        yield
    except OSError as error:
        where = error.filename or out_dir
        reason = error.strerror or str(error)
        inside = osp.abspath(where).startswith(
            osp.join(osp.abspath(out_dir), ''))
        if error.errno in FULL_DISK:
            raise SystemExit(
                f'error: {where}: {reason}: free some space or choose '
                f'another {option}; the outputs written before it are '
                'complete')
        if inside or where == out_dir:
            raise SystemExit(f'error: {where}: cannot be written ({reason});'
                             f' choose another {option}; the outputs '
                             'written before it are complete')
        raise SystemExit(f'error: {where}: {reason}')
