# Copyright (c) segface-mmseg contributors. All rights reserved.
import copy
import os
from typing import Optional, Tuple, Union

import torch
from mmengine.config import Config
from mmengine.model import BaseTTAModel, is_model_wrapper
from mmengine.model.utils import revert_sync_batchnorm
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from ..checkpoints.official_file import as_mmseg_checkpoint
from ..engine.checkpoint_files import CheckpointError, read_checkpoint

# Buffers that mmpretrain's SwinTransformerV2 deletes from every state dict
# it loads and rebuilds itself (from the window size): their absence from a
# checkpoint is expected.
REBUILT_BUFFERS = ('relative_position_index', 'relative_coords_table')


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
    while is_model_wrapper(model) or isinstance(model, BaseTTAModel):
        model = model.module
    ckpt = as_mmseg_checkpoint(
        read_checkpoint(checkpoint, mmap=True), checkpoint)
    state_dict = ckpt.get('state_dict', ckpt)
    check_state_dict_fits(model, state_dict, checkpoint)
    model.load_state_dict(state_dict, strict=False)
    return ckpt.get('meta', {}) or {}


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
            :func:`load_weights`). Default: None (random weights).
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
