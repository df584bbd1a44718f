# Copyright (c) segface-mmseg contributors. All rights reserved.
from typing import Optional

import torch.nn as nn
from mmengine.config import ConfigDict
from mmseg.apis import MMSegInferencer

from ..engine.checkpoint_files import read_checkpoint
from .build_segmentor import check_state_dict_fits


class SegFaceInferencer(MMSegInferencer):
    """mmseg's ``MMSegInferencer``, loading the weights strictly.

    ``MMSegInferencer`` loads a checkpoint that does not fit the config with
    a warning in the log and then predicts with partly random weights. This
    subclass refuses it, naming the file and the missing, unexpected and
    mis-shaped keys, and names a missing, empty or truncated checkpoint file
    before anything is built. Everything else (arguments, outputs,
    ``dataset_meta`` from the checkpoint) is mmseg's.

    Example::

        inferencer = SegFaceInferencer(
            model='configs/segface_swinb_celeba.py',
            weights='checkpoints/segface_swinb_celeba_512.pth')
        result = inferencer('face.jpg', out_dir='outputs')

    Args:
        model (str | dict): Config path or config.
        weights (str, optional): Checkpoint. Default: None.
        **kwargs: :class:`mmseg.apis.MMSegInferencer` arguments.
    """

    def __init__(self, model, weights: Optional[str] = None, **kwargs):
        self.weights = weights
        super().__init__(model, weights, **kwargs)

    def _init_model(self,
                    cfg: ConfigDict,
                    weights: Optional[str],
                    device: str = 'cpu') -> nn.Module:
        if weights is not None:
            read_checkpoint(weights, mmap=True)  # a readable file
        return super()._init_model(cfg, weights, device)

    def _load_weights_to_model(self, model: nn.Module,
                               checkpoint: Optional[dict],
                               cfg: Optional[ConfigDict]) -> None:
        if checkpoint is not None:
            check_state_dict_fits(model,
                                  checkpoint.get('state_dict', checkpoint),
                                  self.weights)
        super()._load_weights_to_model(model, checkpoint, cfg)
