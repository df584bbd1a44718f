# Copyright (c) segface-mmseg contributors. All rights reserved.
import copy
import os
from typing import Optional, Tuple, Union

import torch
from mmengine.config import Config
from mmengine.model.utils import revert_sync_batchnorm
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from ..checkpoints import load_weights
from ..utils.deprecation import deprecated_aliases


def load_config(config: Union[str, os.PathLike, Config],
                cfg_options: Optional[dict] = None) -> Config:
    """A config from a path (or a copy of a Config), options merged in."""
    if isinstance(config, (str, os.PathLike)):
        if not os.path.isfile(config):
            raise FileNotFoundError(f'{config}: no such config file')
        cfg = Config.fromfile(config)
    elif isinstance(config, Config):
        cfg = copy.deepcopy(config)
    else:
        raise TypeError('config must be a path or a Config, got '
                        f'{type(config).__name__}')
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def build_segmentor(
    config: Union[str, os.PathLike, Config],
    checkpoint: Optional[str] = None,
    device: Union[str, torch.device] = 'cpu',
    cfg_options: Optional[dict] = None
) -> Tuple[torch.nn.Module, Config, Optional[dict]]:
    """Build a config's segmentor for inference, in eval mode.

    Nothing is downloaded: the backbone's ImageNet ``init_cfg`` is dropped
    (the checkpoint, or random weights without one, replace it). SyncBN
    becomes BN.

    Args:
        config (str | Config): Config path or object.
        checkpoint (str, optional): Weights to load (see
            :func:`segface_mmseg.checkpoints.load_weights`). Default: None
            (random weights).
        device (str | torch.device): Device. Default: 'cpu'.
        cfg_options (dict, optional): Overrides merged into the config.

    Returns:
        tuple: ``(model, cfg, dataset_meta)``; ``dataset_meta`` is the
        checkpoint's ``meta.dataset_meta`` or None.
    """
    cfg = load_config(config, cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.pretrained = None
    model_cfg.train_cfg = None
    if model_cfg.get('backbone') is not None:
        model_cfg.backbone.init_cfg = None
    model = MODELS.build(model_cfg)
    meta = None
    if checkpoint is not None:
        meta = load_weights(model, checkpoint).get('dataset_meta')
    model = revert_sync_batchnorm(model).to(device)
    model.eval()
    return model, cfg, meta


# moved to segface_mmseg.checkpoints (the floor every loader stands on)
__getattr__ = deprecated_aliases(
    __name__, {
        name: f'segface_mmseg.checkpoints.{name}'
        for name in ('REBUILT_BUFFERS', 'check_state_dict_fits')
    })
