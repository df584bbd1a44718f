# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Weights from a file into a model. Every path that loads weights
(``FaceParser``, ``SegFaceInferencer``, ``ClassTransferHook``,
``tools/test.py``, the ONNX export, the zoo and ``transfer_classes.py``) goes
through here:

1. :func:`read_checkpoint` (:mod:`.checkpoint_files`): read a file safely;
2. :func:`read_mmseg_checkpoint`: ... and convert an official
   ``model_299.pt`` in memory (:func:`as_mmseg_checkpoint`);
3. :func:`check_state_dict_fits`: the weights fit the model (same keys,
   same shapes), else an error naming the file;
4. :func:`load_state_dict_strictly` / :func:`load_weights`: load them.
"""
import torch
from mmengine.model import BaseTTAModel, is_model_wrapper

from .checkpoint_files import CheckpointError, read_checkpoint
from .official_file import as_mmseg_checkpoint

# Buffers that mmpretrain's SwinTransformerV2 deletes from every state dict
# it loads and rebuilds itself (from the window size): their absence from a
# checkpoint is expected.
REBUILT_BUFFERS = ('relative_position_index', 'relative_coords_table')


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
