# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The plugin's configs by name, from a pip install or a source checkout.

A wheel carries the repository's ``configs/`` and ``model-index.yml`` in
``segface_mmseg/.mim/`` (as mmseg's wheel does, which is where ``mim``
looks); a source checkout (``pip install -e .``) uses ``configs/`` beside
the package. mmengine's ``pkg::`` prefix only knows OpenMMLab packages, so
names are resolved here, to a file path that mmengine then loads as usual
(``_base_`` inheritance included).
"""
import os
import os.path as osp
from typing import Dict, Optional, Union

from mmengine.config import Config

from ..checkpoints.releases import RELEASES

_PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))


def mim_dir() -> str:
    """The folder holding ``configs/`` and ``model-index.yml``: the
    package's ``.mim`` in a wheel, the repository root in a checkout."""
    for root in (osp.join(_PACKAGE_DIR, '.mim'), osp.dirname(_PACKAGE_DIR)):
        if osp.isfile(osp.join(root, 'configs', 'segface', 'metafile.yaml')):
            return root
    raise FileNotFoundError(
        f'{_PACKAGE_DIR}: the installed package has no configs '
        '(.mim/configs); reinstall segface-mmseg from a wheel or a source '
        'checkout')


def config_root() -> str:
    """The folder of the plugin's configs."""
    return osp.join(mim_dir(), 'configs')


def config_file(relative: str) -> str:
    """Absolute path of a config given relative to :func:`config_root`."""
    return osp.join(config_root(), relative)


def packaged_configs() -> Dict[str, str]:
    """Every packaged config but the ``_base_`` ones, by name (the file
    name without ``.py``) -> path relative to the config root."""
    root = config_root()
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != '_base_')
        for name in sorted(files):
            if name.endswith('.py'):
                found[name[:-3]] = osp.relpath(osp.join(folder, name), root)
    return found


def resolve_config(model: Union[str, os.PathLike]) -> str:
    """The config file of a model name, a packaged config or a file.

    Args:
        model (str): A release name (``swinb_celeba_512``), a metafile /
            config name (``segface_swin-b_8xb4-300e_celebamask-hq-512x512``),
            a path relative to the config root
            (``segface/segface_swin-b_...py``) or a config file.

    Returns:
        str: The config file's path.

    Raises:
        ValueError: Nothing of that name; the message lists the names.
    """
    model = os.fspath(model)
    if osp.isfile(model):
        return model
    if model in RELEASES:
        return config_file(RELEASES[model].config)
    configs = packaged_configs()
    stem = model[:-3] if model.endswith('.py') else model
    if stem in configs:
        return config_file(configs[stem])
    if osp.isfile(config_file(model)):
        return config_file(model)
    raise ValueError(
        f'{model!r}: not a config file, a release or a packaged config. '
        f'Releases: {", ".join(sorted(RELEASES))}. Configs: '
        f'{", ".join(sorted(configs))}')


def get_config(model: Union[str, os.PathLike],
               cfg_options: Optional[dict] = None) -> Config:
    """Load a config by name (see :func:`resolve_config`) or path.

    Example:
        >>> cfg = get_config('swinb_celeba_512')
        >>> cfg.model.decode_head.type
        'SegFaceHead'
    """
    cfg = Config.fromfile(resolve_config(model))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def release_of_config(model: str) -> Optional[str]:
    """The release whose weights a model name or config file uses."""
    if model in RELEASES:
        return model
    path = osp.realpath(resolve_config(model))
    for name, release in RELEASES.items():
        for relative in (release.config, release.tta_config):
            if relative and osp.realpath(config_file(relative)) == path:
                return name
    return None
