# Copyright (c) segface-mmseg contributors. All rights reserved.
from typing import Optional, Tuple

import torch.nn as nn
from mmengine.config import Config, ConfigDict
from mmseg.apis import MMSegInferencer

from ..checkpoints import check_state_dict_fits, read_checkpoint
from ..checkpoints.official_file import as_mmseg_checkpoint
from ..zoo import resolve_model
from .inference_policy import apply_inference_policy


class SegFaceInferencer(MMSegInferencer):
    """mmseg's ``MMSegInferencer`` for the plugin's models, by name.

    ``model`` may be a release name (``swinb_celeba_512``), a metafile name
    (``segface_swin-b_8xb4-300e_celebamask-hq-512x512``; mmengine's own
    metafile lookup only knows OpenMMLab packages) or a config. A release's
    weights are downloaded, converted and cached when ``weights`` is not
    given (see :func:`segface_mmseg.zoo.pretrained_checkpoint`); an official
    ``model_299.pt`` given as ``weights`` is converted in memory.

    Weights are loaded strictly: ``MMSegInferencer`` loads a checkpoint that
    does not fit the config with a warning and then predicts with partly
    random weights; this subclass refuses it, naming the file and the
    missing, unexpected and mis-shaped keys, and names a missing, empty or
    truncated checkpoint file before anything is built. Inference runs
    with the device's :func:`~segface_mmseg.apis.inference_policy`.
    Everything else (arguments, outputs, ``dataset_meta`` from the
    checkpoint) is mmseg's.

    Example::

        inferencer = SegFaceInferencer(
            model='segface_swin-b_8xb4-300e_celebamask-hq-512x512')
        result = inferencer('face.jpg', out_dir='outputs')

    Args:
        model (str | dict): Model name, config path or config.
        weights (str, optional): Checkpoint. Default: None (a release's
            converted weights, for a release's name or config).
        **kwargs: :class:`mmseg.apis.MMSegInferencer` arguments.
    """

    def __init__(self, model, weights: Optional[str] = None, **kwargs):
        self.weights = weights
        super().__init__(model, weights, **kwargs)

    def _load_model_from_metafile(self, model: str) -> Tuple[Config, str]:
        """Config and weights of a plugin model name (mmengine calls this
        for a ``model`` that is not a file)."""
        config, checkpoint = resolve_model(model, self.weights)
        self.weights = checkpoint
        return Config.fromfile(config), checkpoint

    def _init_model(self,
                    cfg: ConfigDict,
                    weights: Optional[str],
                    device: str = 'cpu') -> nn.Module:
        if weights is not None:
            read_checkpoint(weights, mmap=True)  # a readable file
        model = super()._init_model(cfg, weights, device)
        apply_inference_policy(model, device)
        return model

    def _load_weights_to_model(self, model: nn.Module,
                               checkpoint: Optional[dict],
                               cfg: Optional[ConfigDict]) -> None:
        if checkpoint is not None:
            checkpoint = as_mmseg_checkpoint(checkpoint, self.weights)
            check_state_dict_fits(model,
                                  checkpoint.get('state_dict', checkpoint),
                                  self.weights)
        super()._load_weights_to_model(model, checkpoint, cfg)
