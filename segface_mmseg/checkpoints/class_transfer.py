# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Class-token transfer: a SegFace checkpoint for another class list.

SegFace's decoder holds one learnable token per class (row ``i`` of
``decode_head.class_tokens.weight``, a ``num_classes x C`` matrix, is class
``i``); every other weight is shared by all classes. A model for a new class
list therefore keeps everything but that matrix, whose rows are rebuilt by
class name:

- a class of the new list that the old list has, by the same name, keeps
  its token (ids may change: rows are reordered);
- ``mapping`` names the sources of a renamed or merged class:
  ``dict(skin='face')`` renames, ``dict(eyes=('l_eye', 'r_eye'))`` merges
  (the mean of the source tokens); one source may feed several classes;
- a class declared in ``new_classes`` starts from ``new_init``: ``'mean'``
  (default), the mean of all source tokens, or ``'normal'``, drawn from
  ``N(0, s^2)`` with ``s`` the standard deviation of the source tokens
  (seeded).

Any other class of the new list, an unknown name, or a class both mapped and
declared new is a :class:`ConversionError` naming it. Old classes that the
new list does not use are dropped.

Pure functions on state dicts; the engine's ``ClassTransferHook`` and
``tools/model_converters/transfer_classes.py`` apply them. The mappings
between the built-in datasets, and the resolution of class names into
source ids, are in :mod:`segface_mmseg.classes`.
"""
from collections import OrderedDict
from typing import List, Mapping, Optional, Sequence, Tuple

import torch
from torch import Tensor

from ..classes import SourceNames, describe_sources, resolve_class_sources
from ..utils.errors import ConversionError

# The class tokens of a SegFace segmentor (``EncoderDecoder.decode_head``).
CLASS_TOKENS_KEY = 'decode_head.class_tokens.weight'
NEW_CLASS_INITS = ('mean', 'normal')


def transfer_class_tokens(tokens: Tensor,
                          sources: Sequence[Tuple[int, ...]],
                          new_init: str = 'mean',
                          seed: int = 0) -> Tensor:
    """The class tokens of the new class list.

    Args:
        tokens (Tensor): N_src x C source tokens.
        sources (Sequence[tuple[int]]): For each new class, the rows of
            ``tokens`` it comes from (see :func:`resolve_class_sources`);
            empty for a new class.
        new_init (str): Initialisation of new classes, one of
            :data:`NEW_CLASS_INITS`. Default: 'mean'.
        seed (int): Seed of ``'normal'``. Default: 0.

    Returns:
        Tensor: N_dst x C tokens, of the dtype of ``tokens``: a copied row,
        the mean of the merged rows, or the new-class initialisation.
    """
    if new_init not in NEW_CLASS_INITS:
        raise ConversionError(f'new_init must be one of {NEW_CLASS_INITS}, '
                              f'got {new_init!r}')
    if tokens.dim() != 2:
        raise ConversionError('class tokens must be N x C, got shape '
                              f'{tuple(tokens.shape)}')
    src = tokens.detach().double()
    generator = torch.Generator().manual_seed(seed)
    rows = []
    for ids in sources:
        if ids:
            rows.append(src[list(ids)].mean(0))
        elif new_init == 'mean':
            rows.append(src.mean(0))
        else:
            rows.append(
                torch.randn(
                    src.shape[1], generator=generator, dtype=torch.float64) *
                src.std())
    return torch.stack(rows).to(tokens.dtype)


def transfer_classes(
    state_dict: Mapping[str, Tensor],
    src_classes: Sequence[str],
    dst_classes: Sequence[str],
    mapping: Optional[Mapping[str, SourceNames]] = None,
    new_classes: Sequence[str] = (),
    new_init: str = 'mean',
    seed: int = 0,
    token_key: str = CLASS_TOKENS_KEY
) -> Tuple['OrderedDict[str, Tensor]', List[Tuple[int, ...]]]:
    """A segmentor state dict with its class tokens moved to a new list.

    Args:
        state_dict (dict): The checkpoint's ``state_dict``.
        src_classes (Sequence[str]): Its class names, by id.
        dst_classes (Sequence[str]): The new class names, by id.
        mapping (dict, optional): See :func:`resolve_class_sources`.
        new_classes (Sequence[str]): See :func:`resolve_class_sources`.
        new_init (str): See :func:`transfer_class_tokens`.
        seed (int): See :func:`transfer_class_tokens`.
        token_key (str): Key of the class tokens. Default:
            :data:`CLASS_TOKENS_KEY`.

    Returns:
        tuple: The new state dict (every other entry is the same tensor
        object, unchanged) and the sources of each new class.

    Raises:
        ConversionError: No ``token_key``, tokens that are not one per source
            class, or a bad mapping.
    """
    if token_key not in state_dict:
        raise ConversionError(
            f'no {token_key!r} in the state dict: not a SegFace segmentor '
            f'checkpoint (keys: {list(state_dict)[:5]} ...)')
    tokens = state_dict[token_key]
    if tokens.dim() != 2 or tokens.shape[0] != len(src_classes):
        raise ConversionError(
            f'{token_key} has shape {tuple(tokens.shape)}, but the source '
            f'class list has {len(src_classes)} classes')
    sources = resolve_class_sources(src_classes, dst_classes, mapping,
                                    new_classes)
    converted = OrderedDict(state_dict)
    converted[token_key] = transfer_class_tokens(tokens, sources, new_init,
                                                 seed)
    return converted, sources


def checkpoint_classes(checkpoint: Mapping) -> Tuple[str, ...]:
    """The class names of a checkpoint, from ``meta.dataset_meta.classes``
    (written by mmseg's Runner and by the official-weight converter).

    Raises:
        ConversionError: The checkpoint names no classes.
    """
    meta = checkpoint.get('meta') or {}
    classes = (meta.get('dataset_meta') or {}).get('classes')
    if not classes:
        raise ConversionError(
            'the checkpoint names no classes (no meta.dataset_meta.classes); '
            'give its class names by id (src_classes)')
    return tuple(classes)


def transfer_checkpoint(checkpoint: Mapping,
                        dst_meta: Mapping,
                        mapping: Optional[Mapping[str, SourceNames]] = None,
                        new_classes: Sequence[str] = (),
                        new_init: str = 'mean',
                        seed: int = 0,
                        src_classes: Optional[Sequence[str]] = None,
                        source: str = '') -> dict:
    """A weights-only checkpoint for another class list.

    Args:
        checkpoint (dict): The loaded source checkpoint (``state_dict`` and
            ``meta``, or a bare state dict).
        dst_meta (dict): ``dataset_meta`` of the result: ``classes`` (the new
            names by id) and whatever else the datasets' metainfo holds
            (``palette``, ``left_right_pairs``).
        mapping, new_classes: See :func:`resolve_class_sources`.
        new_init, seed: See :func:`transfer_class_tokens`.
        src_classes (Sequence[str], optional): The source's class names by
            id. Default: None (:func:`checkpoint_classes`).
        source (str): Name of the source, kept in ``meta``.

    Returns:
        dict: ``state_dict`` (see :func:`transfer_classes`) and ``meta``
        with ``dataset_meta`` and ``class_transfer`` (the source and one
        line per class, :func:`describe_sources`).
    """
    src_classes = tuple(src_classes or checkpoint_classes(checkpoint))
    dst_classes = tuple(dst_meta['classes'])
    state_dict, sources = transfer_classes(
        checkpoint.get('state_dict', checkpoint), src_classes, dst_classes,
        mapping, new_classes, new_init, seed)
    meta = dict(
        dataset_meta=dict(dst_meta, classes=dst_classes),
        class_transfer=dict(
            source=source,
            new_init=new_init,
            classes=describe_sources(src_classes, dst_classes, sources)))
    return dict(state_dict=state_dict, meta=meta)
