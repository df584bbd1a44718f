# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Official weights from the Hugging Face hub, through ``huggingface_hub``.

Its cache, offline mode and environment variables apply unchanged:
``HF_HOME`` / ``HF_HUB_CACHE`` (where files are kept), ``HF_HUB_OFFLINE=1``
(never reach the network), ``HF_ENDPOINT``, ``HF_TOKEN``.
"""
import hashlib
import os.path as osp
import re

from ..checkpoints.releases import HF_FILENAME, HF_REPO, RELEASES


class HubDownloadError(RuntimeError):
    """An official file could not be fetched, was fetched corrupt, or its
    conversion cannot be stored in the model cache."""


def _hub_cache() -> str:
    from huggingface_hub import constants
    return constants.HF_HUB_CACHE


def download_official(release: str, force_download: bool = False) -> str:
    """Path of a release's ``model_299.pt`` in the hub cache, downloaded if
    it is not there, checked against its content hash.

    Args:
        release (str): Release name (a key of :data:`RELEASES`).
        force_download (bool): Fetch it again even if cached.

    Returns:
        str: The cached file (``.../snapshots/<commit>/<release>/
        model_299.pt``).

    Raises:
        HubDownloadError: The hub cannot be reached (offline, no network)
            and the file is not cached, the repository has no such file, or
            the cached file does not match its hash.
    """
    if release not in RELEASES:
        raise ValueError(f'unknown release {release!r}; releases: '
                         f'{", ".join(sorted(RELEASES))}')
    try:
        from huggingface_hub import errors, hf_hub_download
    except ImportError as error:
        raise ImportError(
            'downloading official weights needs '
            'huggingface_hub: pip install huggingface_hub') from error
    filename = f'{release}/{HF_FILENAME}'
    from huggingface_hub import constants
    if force_download and constants.HF_HUB_OFFLINE:
        raise HubDownloadError(
            f'{HF_REPO}/{filename}: downloading again (--force, '
            'force_download=True) needs the hub, and offline mode '
            '(HF_HUB_OFFLINE=1) is on; unset HF_HUB_OFFLINE, or pass a local '
            'model_299.pt as the checkpoint')
    try:
        path = hf_hub_download(
            HF_REPO,
            filename,
            force_download=force_download,
            library_name='segface-mmseg')
    except errors.LocalEntryNotFoundError as error:
        raise HubDownloadError(
            f'{HF_REPO}/{filename}: not in the Hugging Face cache '
            f'({_hub_cache()}) and the hub cannot be reached (offline mode '
            'HF_HUB_OFFLINE=1, or no network). Download it on a connected '
            f'machine with `segface download {release}` and copy the cache, '
            'or pass a local model_299.pt as the checkpoint') from error
    except (errors.EntryNotFoundError, errors.RepositoryNotFoundError,
            errors.RevisionNotFoundError) as error:
        raise HubDownloadError(f'{HF_REPO}/{filename}: not on the hub '
                               f'({type(error).__name__})') from error
    except (OSError, errors.HfHubHTTPError) as error:
        raise HubDownloadError(f'{HF_REPO}/{filename}: download failed: '
                               f'{error}') from error
    check_blob_hash(path, release)
    return path


def check_blob_hash(path: str, release: str) -> None:
    """Raise if a cached hub file does not match its content hash.

    The hub keeps large files as ``blobs/<sha256>``; a file cut short or
    altered after download no longer hashes to its blob name.
    """
    blob = osp.basename(osp.realpath(path))
    if not re.fullmatch(r'[0-9a-f]{64}', blob):
        return  # small files are named by their git hash: not checkable
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 22), b''):
            digest.update(chunk)
    if digest.hexdigest() != blob:
        raise HubDownloadError(
            f'{path}: the downloaded {release}/{HF_FILENAME} is corrupt (its '
            f'sha256 is {digest.hexdigest()[:12]}..., the hub\'s '
            f'{blob[:12]}...); fetch it again with '
            f'`segface download {release} --force` '
            '(FaceParser.from_pretrained(..., force_download=True))')
