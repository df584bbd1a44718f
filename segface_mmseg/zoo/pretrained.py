# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Released models by name: download, convert once, cache, verify.

The converted checkpoints are kept in ``$SEGFACE_CACHE`` (default
``$XDG_CACHE_HOME/segface_mmseg``, i.e. ``~/.cache/segface_mmseg``) as
``checkpoints/segface_<release>.pth``, each with a ``.sha256`` file
holding its hash; a converted file that does not match its hash is
converted again (from the hub cache, without downloading).
"""
import hashlib
import os
import os.path as osp
from typing import Optional, Tuple

from mmengine.logging import print_log

from ..checkpoints.official_file import (convert_official_checkpoint,
                                         load_official_state_dict)
from ..checkpoints.releases import HF_FILENAME, RELEASES
from ..utils import atomic_torch_save, atomic_write_bytes
from ..utils.errors import ConversionError
from .configs import release_of_config, resolve_config
from .hub import HubDownloadError, download_official


def cache_dir() -> str:
    """Where converted checkpoints are kept (see the module docstring)."""
    if os.environ.get('SEGFACE_CACHE'):
        return os.environ['SEGFACE_CACHE']
    xdg = os.environ.get('XDG_CACHE_HOME') or osp.join(
        osp.expanduser('~'), '.cache')
    return osp.join(xdg, 'segface_mmseg')


def converted_path(release: str) -> str:
    """The cached converted checkpoint of a release."""
    return osp.join(cache_dir(), 'checkpoints', f'segface_{release}.pth')


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 22), b''):
            digest.update(chunk)
    return digest.hexdigest()


def is_cached(release: str) -> bool:
    """Whether a release's converted checkpoint is cached and intact."""
    path = converted_path(release)
    try:
        with open(path + '.sha256') as f:
            expected = f.read().strip()
        return _sha256(path) == expected
    except OSError:
        return False


def pretrained_checkpoint(release: str, force_download: bool = False) -> str:
    """The converted checkpoint of a release: from the cache, else
    downloaded (hub cache first), converted and cached.

    Args:
        release (str): Release name (``swinb_celeba_512``).
        force_download (bool): Download and convert again.

    Returns:
        str: The converted checkpoint (``state_dict`` and
        ``meta.dataset_meta``).

    Raises:
        ValueError: Unknown release (the releases are listed).
        HubDownloadError: No network and not cached, a corrupt download, or
            a model cache that cannot be written.
    """
    if release not in RELEASES:
        raise ValueError(f'unknown release {release!r}; releases: '
                         f'{", ".join(sorted(RELEASES))}')
    dst = converted_path(release)
    if not force_download and is_cached(release):
        return dst
    src = download_official(release, force_download=force_download)
    print_log(f'converting {release}/{HF_FILENAME} for mmseg -> {dst}',
              'current')
    try:
        checkpoint = convert_official_checkpoint(
            load_official_state_dict(src), src, release)
    except ConversionError as error:
        raise HubDownloadError(
            f'{error}; the downloaded file is unusable: fetch it again with '
            f'`segface download {release} --force`') from error
    try:
        atomic_torch_save(checkpoint, dst)
        atomic_write_bytes(dst + '.sha256', _sha256(dst).encode() + b'\n')
    except OSError as error:
        reason = error.strerror or str(error)
        damaged = (' (the cached one is damaged: its sha256 does not match)'
                   if osp.exists(dst) else '')
        raise HubDownloadError(
            f'{dst}: the converted {release} checkpoint cannot be stored '
            f'in the model cache ({reason}){damaged}: make '
            f'{osp.dirname(dst)} writable, set SEGFACE_CACHE to a folder you '
            'can write to, or give a converted checkpoint (--checkpoint)'
        ) from error
    return dst


def resolve_model(model: str,
                  checkpoint: Optional[str] = None,
                  force_download: bool = False) -> Tuple[str, Optional[str]]:
    """Config file and checkpoint of a model name or config.

    Args:
        model (str): A release name, a packaged config name or a config
            file (see :func:`~.configs.resolve_config`).
        checkpoint (str, optional): Weights to use; by default a release's
            (or a config of a release's) converted weights, downloaded if
            needed. Default: None.
        force_download (bool): Download and convert again.

    Returns:
        tuple[str, str | None]: The config file and the checkpoint (None
        for a config that is no release and no ``checkpoint`` given).
    """
    config = resolve_config(model)
    if checkpoint is None:
        release = release_of_config(model)
        if release is not None:
            checkpoint = pretrained_checkpoint(release, force_download)
    return config, checkpoint
