# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Official ``model_299.pt`` files: reading them safely, converting them to
mmseg checkpoints (with ``meta.dataset_meta``), in memory or to a file."""
import os.path as osp
from typing import Dict, Optional

from ..classes import CELEBAMASK_HQ_CLASSES, LAPA_CLASSES, palette_of
from ..utils import atomic_torch_save
from ..utils.errors import ConversionError
from .checkpoint_files import CheckpointError, read_checkpoint
from .releases import RELEASES
from .segface_keys import (convert_segface_state_dict, detect_backbone,
                           detect_num_classes)

OFFICIAL_WEIGHTS_KEY = 'state_dict_backbone'


def dataset_meta(num_classes: int) -> dict:
    """``dataset_meta`` (classes, palette) for a checkpoint's class count.

    Args:
        num_classes (int): 19 (CelebAMask-HQ) or 11 (LaPa and Helen, which
            share their classes).

    Returns:
        dict: ``classes`` and ``palette``, as mmseg datasets give them.
    """
    classes = {
        len(CELEBAMASK_HQ_CLASSES): CELEBAMASK_HQ_CLASSES,
        len(LAPA_CLASSES): LAPA_CLASSES
    }.get(num_classes)
    if classes is None:
        raise ValueError(f'no face dataset has {num_classes} classes')
    return dict(classes=classes, palette=palette_of(classes))


def is_official_checkpoint(checkpoint) -> bool:
    """Whether a loaded checkpoint is an official ``model_299.pt`` (its
    weights are under ``state_dict_backbone``)."""
    return isinstance(checkpoint, dict) and OFFICIAL_WEIGHTS_KEY in checkpoint


def load_official_state_dict(path: str) -> dict:
    """``state_dict_backbone`` of an official checkpoint, loaded safely
    (``weights_only``; memory-mapped, so the optimizer state, two thirds of
    the file, is never read).

    Raises:
        ConversionError: Naming the file when it cannot be read or holds no
            ``state_dict_backbone``.
    """
    if not osp.isfile(path):
        raise ConversionError(f'{path}: no such file')
    try:  # the same reading, and messages, as every checkpoint's
        checkpoint = read_checkpoint(path, mmap=True)
    except CheckpointError as error:
        raise ConversionError(str(error)) from error
    if not is_official_checkpoint(checkpoint):
        keys = sorted(checkpoint) if isinstance(checkpoint, dict) else []
        raise ConversionError(
            f'{path}: not an official SegFace checkpoint (expected a dict '
            f'with "{OFFICIAL_WEIGHTS_KEY}", found keys {keys[:10]})')
    return checkpoint[OFFICIAL_WEIGHTS_KEY]


def release_of(src: str, release: Optional[str] = None) -> Optional[str]:
    """The release given, or the one the folder holding ``src`` is named
    after (the hub's layout: ``<release>/model_299.pt``)."""
    if release is not None:
        if release not in RELEASES:
            raise ConversionError(f'unknown release {release!r}; known: '
                                  f'{sorted(RELEASES)}')
        return release
    folder = osp.basename(osp.dirname(osp.abspath(src)))
    return folder if folder in RELEASES else None


def convert_official_checkpoint(state_dict: Dict,
                                source: str,
                                release: Optional[str] = None,
                                backbone: Optional[str] = None) -> dict:
    """An mmseg checkpoint from an official ``state_dict_backbone``.

    Args:
        state_dict (dict): The official weights.
        source (str): Their file, for messages and ``meta``.
        release (str, optional): The release they are; checked against the
            keys (backbone and class count). Default: None.
        backbone (str, optional): Official ``--model`` name. Default: None
            (detected from the keys).

    Returns:
        dict: ``state_dict`` and ``meta`` (``dataset_meta`` and ``segface``:
        source, release, backbone, num_classes, config).

    Raises:
        ConversionError: The keys are not an official model's, or not the
            release's; the message starts with ``source``.
    """
    try:
        num_classes = detect_num_classes(state_dict)
        detected = backbone or detect_backbone(state_dict)
        if release is not None:
            expected = RELEASES[release]
            if (expected.backbone, expected.num_classes) != (detected,
                                                             num_classes):
                raise ConversionError(
                    f'release {release} is {expected.backbone} with '
                    f'{expected.num_classes} classes, but the keys are '
                    f'{detected} with {num_classes} classes (name the '
                    'release with --release)')
        converted = convert_segface_state_dict(state_dict, detected)
    except ConversionError as error:
        raise ConversionError(f'{source}: {error}') from error
    meta = dict(
        dataset_meta=dataset_meta(num_classes),
        segface=dict(
            source=osp.basename(source),
            release=release,
            backbone=detected,
            num_classes=num_classes,
            config=RELEASES[release].config if release else None))
    return dict(state_dict=converted, meta=meta)


def convert_official_file(src: str,
                          dst: str,
                          release: Optional[str] = None,
                          backbone: Optional[str] = None) -> dict:
    """Convert the official file ``src`` and write ``dst`` atomically.

    The release defaults to the name of the folder holding ``src``.

    Returns:
        dict: The ``meta`` written.

    Raises:
        ConversionError: ``src`` is unusable, or ``dst`` is ``src`` (the
            official file would be overwritten).
    """
    if osp.exists(dst) and osp.exists(src) and osp.samefile(src, dst):
        raise ConversionError(f'{dst}: is the source checkpoint; choose '
                              'another output file')
    checkpoint = convert_official_checkpoint(
        load_official_state_dict(src), src, release_of(src, release), backbone)
    atomic_torch_save(checkpoint, dst)
    return checkpoint['meta']


def as_mmseg_checkpoint(checkpoint: dict, source: str) -> dict:
    """``checkpoint`` itself, or, for an official ``model_299.pt`` (told by
    its keys), its conversion, made in memory with one log line.

    Args:
        checkpoint (dict): A loaded checkpoint.
        source (str): Its file; the folder's name gives the release.

    Raises:
        ConversionError: An official checkpoint whose keys do not convert.
    """
    if not is_official_checkpoint(checkpoint):
        return checkpoint
    from mmengine.logging import print_log
    print_log(
        f'{source}: an official SegFace checkpoint, converted in memory '
        '(convert it once with `segface convert` to skip this)', 'current')
    return convert_official_checkpoint(checkpoint[OFFICIAL_WEIGHTS_KEY],
                                       source, release_of(source))
