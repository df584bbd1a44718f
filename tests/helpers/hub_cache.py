# Copyright (c) segface-mmseg contributors. All rights reserved.
"""A Hugging Face hub cache laid out by hand, as ``huggingface_hub`` keeps
it, holding made-up official SegFace files.

The layout (``$HF_HOME/hub`` = ``HF_HUB_CACHE``)::

    models--kartiknarayan--SegFace/
        refs/main                         the commit hash
        blobs/<sha256>                    each file's bytes, named by hash
        snapshots/<commit>/<release>/model_299.pt -> ../../../blobs/<sha256>

With ``HF_HUB_OFFLINE=1``, ``hf_hub_download`` resolves files from it
without any network access, through its real code path.
"""
import hashlib
import os
import os.path as osp

from segface_mmseg.checkpoints import HF_FILENAME, HF_REPO, RELEASES
from .official_weights import write_official_file

COMMIT = '0123456789abcdef0123456789abcdef01234567'
# the release the ``fake_hub`` fixture serves
RELEASE = 'mobilenet_celeba_512'


def repo_folder(hub_cache: str) -> str:
    owner, name = HF_REPO.split('/')
    return osp.join(hub_cache, f'models--{owner}--{name}')


def add_release(hub_cache: str, release: str, seed: int = 1) -> str:
    """Put a made-up official file of ``release`` into the cache.

    Returns:
        str: The blob file (truncate it to simulate a corrupt download).
    """
    info = RELEASES[release]
    repo = repo_folder(hub_cache)
    os.makedirs(osp.join(repo, 'blobs'), exist_ok=True)
    os.makedirs(osp.join(repo, 'refs'), exist_ok=True)
    tmp = osp.join(repo, 'blobs', 'incoming')
    write_official_file(tmp, info.backbone, info.num_classes, seed)
    with open(tmp, 'rb') as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    blob = osp.join(repo, 'blobs', digest)
    os.replace(tmp, blob)
    with open(osp.join(repo, 'refs', 'main'), 'w') as f:
        f.write(COMMIT)
    link = osp.join(repo, 'snapshots', COMMIT, release, HF_FILENAME)
    os.makedirs(osp.dirname(link), exist_ok=True)
    if osp.lexists(link):
        os.remove(link)
    os.symlink(osp.relpath(blob, osp.dirname(link)), link)
    return blob


def offline_env(hf_home: str, segface_cache: str) -> dict:
    """Environment variables of an offline run against the fake cache."""
    return dict(
        HF_HOME=hf_home,
        HF_HUB_OFFLINE='1',
        SEGFACE_CACHE=segface_cache,
        HF_HUB_DISABLE_TELEMETRY='1')


def snapshot_file(hub_cache: str, release: str) -> str:
    """A release's official file as the hub cache shows it (a symlink)."""
    return osp.join(
        repo_folder(hub_cache), 'snapshots', COMMIT, release, HF_FILENAME)
