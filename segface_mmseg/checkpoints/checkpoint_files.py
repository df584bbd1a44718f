# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Checkpoint files, from the file to the model, with errors that name the
file. Every path that loads weights (``FaceParser``, ``SegFaceInferencer``,
``ClassTransferHook``, ``tools/test.py``, the ONNX export, the zoo and
``transfer_classes.py``) goes through here:

1. :func:`read_checkpoint`: read a file safely;
2. :func:`read_mmseg_checkpoint`: ... and convert an official
   ``model_299.pt`` in memory (:func:`as_mmseg_checkpoint`);
3. :func:`check_state_dict_fits`: the weights fit the model (same keys,
   same shapes), else an error naming the file;
4. :func:`load_state_dict_strictly` / :func:`load_weights`: load them.

Everything loads with torch's safe unpickler (``weights_only=True``):
tensors, plain containers and numbers, nothing else. The plugin's training
checkpoints need nothing more (see :class:`SafeCheckpointHook`); this module
never widens torch's allow-list.
"""
import glob
import logging
import os.path as osp
import pickle
import re
import zipfile
from typing import Optional

import torch
from mmengine.logging import print_log
from mmengine.model import BaseTTAModel, is_model_wrapper
from mmengine.runner import CheckpointLoader

from .official_file import as_mmseg_checkpoint

# Buffers that mmpretrain's SwinTransformerV2 deletes from every state dict
# it loads and rebuilds itself (from the window size): their absence from a
# checkpoint is expected.
REBUILT_BUFFERS = ('relative_position_index', 'relative_coords_table')


class CheckpointError(RuntimeError):
    """A checkpoint that cannot be used; the message starts with its path."""


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    if isinstance(error, pickle.UnpicklingError) or (
            text and 'Weights only load failed' in text[0]):
        unsupported = [line for line in text if 'Unsupported global' in line]
        return ('it holds pickled objects beyond tensors and plain values, '
                'which safe loading (weights_only=True) refuses' +
                (f' ({unsupported[0].strip()})' if unsupported else '') +
                '. Only if you trust the file, load it yourself with '
                'torch.load(..., weights_only=False) and save its '
                '"state_dict" and "meta" again')
    if isinstance(error, EOFError) or not text:
        return 'the file is empty or truncated'
    if 'zip archive' in text[0] or 'central directory' in text[0]:
        return f'the file is truncated or corrupt ({text[0]})'
    return f'{type(error).__name__}: {text[0]}'


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


def read_mmseg_checkpoint(path: str, mmap: bool = False) -> dict:
    """:func:`read_checkpoint`, an official ``model_299.pt`` converted in
    memory (:func:`as_mmseg_checkpoint`).

    Raises:
        FileNotFoundError: No such file.
        CheckpointError: The file cannot be read.
        ConversionError: An official checkpoint that does not convert.
    """
    return as_mmseg_checkpoint(read_checkpoint(path, mmap=mmap), path)


def check_state_dict_fits(model: torch.nn.Module, state_dict: dict,
                          source: str) -> None:
    """Raise unless ``state_dict`` holds exactly the model's keys with the
    model's shapes (the buffers in :data:`REBUILT_BUFFERS` may be absent).

    Args:
        model (nn.Module): The model.
        state_dict (dict): The weights.
        source (str): Where they come from, for the message.

    Raises:
        CheckpointError: Listing missing, unexpected and mis-shaped keys.
    """
    expected = model.state_dict()
    missing = [
        k for k in expected
        if k not in state_dict and not k.endswith(REBUILT_BUFFERS)
    ]
    unexpected = [k for k in state_dict if k not in expected]
    mis_shaped = [
        f'{k}: {tuple(v.shape)} in the file, {tuple(expected[k].shape)} in '
        'the model' for k, v in state_dict.items() if k in expected
        and hasattr(v, 'shape') and v.shape != expected[k].shape
    ]
    problems = [(f'{len(found)} {what}', found[:5])
                for what, found in (('missing keys',
                                     missing), ('unexpected keys', unexpected),
                                    ('keys of another shape', mis_shaped))
                if found]
    if problems:
        raise CheckpointError(
            f'{source}: does not fit the config\'s model (another '
            'architecture or class list?): ' +
            '; '.join(f'{what}, e.g. {examples}'
                      for what, examples in problems))


def load_state_dict_strictly(model: torch.nn.Module, state_dict: dict,
                             source: str) -> None:
    """Load ``state_dict`` into ``model`` after
    :func:`check_state_dict_fits`. Wrappers (DDP, a TTA model) are
    unwrapped first, as mmengine does."""
    while is_model_wrapper(model) or isinstance(model, BaseTTAModel):
        model = model.module
    check_state_dict_fits(model, state_dict, source)
    model.load_state_dict(state_dict, strict=False)


def load_weights(model: torch.nn.Module, checkpoint: str) -> dict:
    """Load a checkpoint's ``state_dict`` into ``model``, strictly.

    An official ``model_299.pt`` is converted in memory first. Every key of
    the model must be in the checkpoint with the same shape,
    and the other way round, except the buffers in :data:`REBUILT_BUFFERS`.
    Wrappers (DDP, a TTA model) are unwrapped first, as mmengine does.

    Args:
        model (nn.Module): The model.
        checkpoint (str): Path (or URL) of the checkpoint.

    Returns:
        dict: The checkpoint's ``meta`` (empty if it has none).

    Raises:
        FileNotFoundError: No such local file.
        ConversionError: An official checkpoint that does not convert.
        CheckpointError: The file is unreadable or does not fit
            the model (missing, unexpected and mis-shaped keys listed); the
            message starts with its path.
    """
    ckpt = read_mmseg_checkpoint(checkpoint, mmap=True)
    load_state_dict_strictly(model, ckpt.get('state_dict', ckpt), checkpoint)
    return ckpt.get('meta', {}) or {}
