# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Reading checkpoint files safely, with errors that name the file: the
floor of every path that loads weights (:mod:`.weight_loading` builds on it).

Everything loads with torch's safe unpickler (``weights_only=True``):
tensors, plain containers and numbers, nothing else. The plugin's training
checkpoints need nothing more (see :class:`SafeCheckpointHook`); this module
never widens torch's allow-list.
"""
import glob
import logging
import os.path as osp
import re
import zipfile
from typing import Optional

import torch
from mmengine.logging import print_log
from mmengine.runner import CheckpointLoader


class CheckpointError(RuntimeError):
    """A checkpoint that cannot be used; the message starts with its path."""


def _describe(error: BaseException) -> str:
    """What a failed safe load says about the file."""
    text = str(error).strip().splitlines()
    if isinstance(error, EOFError) or not text:
        return 'the file is empty or truncated'
    # a real pickle naming classes or functions that torch does not allow
    unsupported = [line for line in text if 'Unsupported global' in line]
    if unsupported:
        return ('it holds pickled objects beyond tensors and plain values, '
                'which safe loading (weights_only=True) refuses '
                f'({unsupported[0].strip()}). Only if you trust the file, '
                'load it yourself with torch.load(..., weights_only=False) '
                'and save its "state_dict" and "meta" again')
    if 'zip archive' in text[0] or 'central directory' in text[0]:
        return f'the file is truncated or corrupt ({text[0]})'
    if isinstance(error, OSError):  # unreadable: permissions, a folder
        return f'{type(error).__name__}: {text[0]}'
    # random bytes, text, another format: the unpickler's complaint
    # ("Unsupported operand", a KeyError, ...) says nothing useful
    return 'not a PyTorch checkpoint (corrupt or another kind of file)'


def read_checkpoint(path: str, mmap: bool = False) -> dict:
    """Load a checkpoint (a local path or a URL) with safe loading.

    Args:
        path (str): File or URL (``http(s)://``, ``open-mmlab://``, ...).
        mmap (bool): Map a local file: its tensors are read when used (an
            official file's optimizer state never is). Default: False.

    Returns:
        dict: The checkpoint.

    Raises:
        FileNotFoundError: No such file.
        CheckpointError: A truncated or corrupt file, or one that safe
            loading refuses; the message says which.
    """
    local = '://' not in path
    if local and not osp.isfile(path):
        raise FileNotFoundError(f'{path}: no such checkpoint file')
    if local and osp.getsize(path) == 0:
        raise CheckpointError(f'{path}: cannot be loaded: the file is empty')
    try:
        if local:
            # only zip-format files (torch >= 1.6) can be memory-mapped
            checkpoint = torch.load(
                path,
                map_location='cpu',
                weights_only=True,
                mmap=mmap and zipfile.is_zipfile(path))
        else:
            checkpoint = CheckpointLoader.load_checkpoint(
                path, map_location='cpu')
    except Exception as error:
        raise CheckpointError(f'{path}: cannot be loaded: '
                              f'{_describe(error)}') from error
    if not isinstance(checkpoint, dict):
        raise CheckpointError(f'{path}: not a checkpoint (a '
                              f'{type(checkpoint).__name__}, not a dict)')
    return checkpoint


def checkpoint_problem(path: str) -> Optional[str]:
    """Why ``path`` cannot be resumed from, or None if it can.

    Cheap: the file is memory-mapped, its tensors are not read.
    """
    try:
        checkpoint = read_checkpoint(path, mmap=True)
    except (CheckpointError, FileNotFoundError) as error:
        return str(error)
    missing = {'meta', 'state_dict'} - set(checkpoint)
    if missing:
        return f'{path}: not a training checkpoint (no {sorted(missing)})'
    return None


def _step(path: str) -> int:
    return int(re.search(r'(\d+)\.pth$', path).group(1))


def find_resumable_checkpoint(work_dir: str) -> Optional[str]:
    """The newest checkpoint of a work dir that loads, for ``--resume``.

    mmengine resumes from the file named in ``work_dir/last_checkpoint``.
    If that one is truncated or corrupt (a run killed while saving, a full
    disk), this logs why and falls back to the newest complete
    ``iter_N.pth`` / ``epoch_N.pth``.

    Args:
        work_dir (str): The training run's work dir.

    Returns:
        str | None: The checkpoint to resume from; None if the work dir
        holds none (training then starts afresh).

    Raises:
        CheckpointError: Checkpoints exist but none of them loads.
    """
    # iter_N.pth / epoch_N.pth, newest first (not the published copies
    # iter_N-<sha>.pth, which hold no optimizer state)
    candidates = sorted(
        (p for p in glob.glob(osp.join(work_dir, '*.pth'))
         if re.fullmatch(r'(iter|epoch)_\d+\.pth', osp.basename(p))),
        key=_step,
        reverse=True)
    last_file = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(last_file):
        with open(last_file) as f:
            last = f.read().strip()
        if last:
            candidates = [last] + [
                p for p in candidates if osp.abspath(p) != osp.abspath(last)
            ]
    problems = []
    for path in candidates:
        problem = checkpoint_problem(path)
        if problem is None:
            if problems:
                print_log(
                    f'--resume: skipped {len(problems)} unusable '
                    f'checkpoint(s) and resumes from {path}. Skipped: ' +
                    '; '.join(problems),
                    logger='current',
                    level=logging.WARNING)
            return path
        problems.append(problem)
    if problems:
        raise CheckpointError(
            f'{work_dir}: no checkpoint to resume from loads: ' +
            '; '.join(problems) + '. Remove them (or choose another '
            '--work-dir) to train from the start')
    return None
