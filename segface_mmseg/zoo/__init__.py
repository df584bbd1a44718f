# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The released models by name: their table, the packaged configs, the
official weights downloaded from the hub, converted and cached."""
from ..checkpoints.releases import (HF_FILENAME, HF_REPO, RELEASES, Release,
                                    hf_weights_url)
from .configs import (config_file, config_root, get_config, mim_dir,
                      packaged_configs, release_of_config, resolve_config)
from .hub import HubDownloadError, download_official
from .pretrained import (cache_dir, converted_path, is_cached,
                         pretrained_checkpoint, resolve_model)

__all__ = [
    'HF_FILENAME', 'HF_REPO', 'RELEASES', 'HubDownloadError', 'Release',
    'cache_dir', 'config_file', 'config_root', 'converted_path',
    'download_official', 'get_config', 'hf_weights_url', 'is_cached',
    'mim_dir', 'packaged_configs', 'pretrained_checkpoint',
    'release_of_config', 'resolve_config', 'resolve_model'
]
