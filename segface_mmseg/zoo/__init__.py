# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The released models by name: the packaged configs, the official weights
downloaded from the hub, converted and cached. The release table itself is
:mod:`segface_mmseg.checkpoints.releases`."""
from ..utils.deprecation import deprecated_aliases
from .configs import (config_file, config_root, get_config, mim_dir,
                      packaged_configs, release_of_config, resolve_config)
from .hub import HubDownloadError, download_official
from .pretrained import (cache_dir, converted_path, is_cached,
                         pretrained_checkpoint, resolve_model)

__all__ = [
    'HubDownloadError', 'cache_dir', 'config_file', 'config_root',
    'converted_path', 'download_official', 'get_config', 'is_cached',
    'mim_dir', 'packaged_configs', 'pretrained_checkpoint',
    'release_of_config', 'resolve_config', 'resolve_model'
]

# the release table has one import path: segface_mmseg.checkpoints.releases
__getattr__ = deprecated_aliases(
    __name__, {
        name: f'segface_mmseg.checkpoints.releases.{name}'
        for name in ('HF_FILENAME', 'HF_REPO', 'RELEASES', 'Release',
                     'hf_weights_url')
    })
