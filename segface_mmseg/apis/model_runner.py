# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The model half of :class:`FaceParser`: build, then run images."""
import itertools
from typing import Iterable, Iterator, Optional, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmseg.structures import SegDataSample

from .build_segmentor import load_config
from .inference_config import (array_test_pipeline, build_inference_model,
                               network_input_size)
from .inference_policy import apply_inference_policy

AMP_DTYPES = {'fp16': torch.float16, 'bf16': torch.bfloat16}


class ModelRunner:
    """A segmentor ready for inference: BGR images in, SegDataSamples out.

    Builds the model of a config on a device with a checkpoint's weights,
    applies the device's :func:`~segface_mmseg.apis.inference_policy`
    (the batch stays as given), and runs ``batch_size`` images per forward
    through the config's test pipeline, under ``torch.autocast`` and
    ``torch.compile`` when asked. :class:`FaceParser` decides what the
    images are (whole photos, face crops); this class only runs them.

    Example:
        >>> runner = ModelRunner('configs/segface_swinb_celeba.py', 'm.pth')
        >>> sample, = runner.run([(face_bgr, None)])
        >>> sample.pred_sem_seg.data.shape   # 1 x H x W, the image's size

    Args:
        config (str | Config): Model config.
        checkpoint (str, optional): Checkpoint; its ``meta.dataset_meta``
            gives class names and palette. Default: None (random weights,
            for tests only).
        device (str): Torch device. Default: 'cpu'.
        batch_size (int): Images per forward, as given (no micro-batches,
            on any device). On the CPU a larger batch is not faster per
            image (docs/speed.md). Default: 1.
        amp (str, optional): ``'fp16'`` (GPU) or ``'bf16'``: the forward
            under ``torch.autocast`` of that dtype. Default: None (fp32).
        compile (bool | dict): Compile the backbone + neck and the head
            with ``torch.compile`` (the first forward of each input shape
            is slow); a dict is passed to it as arguments, as in mmengine's
            ``compile`` config (e.g. ``dict(mode='max-autotune')`` or
            ``dict(backend='aot_eager')``). Default: False.
        cfg_options (dict, optional): Overrides merged into the config.
    """

    def __init__(self,
                 config: Union[str, Config],
                 checkpoint: Optional[str] = None,
                 device: str = 'cpu',
                 batch_size: int = 1,
                 amp: Optional[str] = None,
                 compile: Union[bool, dict] = False,
                 cfg_options: Optional[dict] = None) -> None:
        if batch_size < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}')
        if amp is not None and amp not in AMP_DTYPES:
            raise ValueError(f'amp must be None or one of '
                             f'{tuple(AMP_DTYPES)}, got {amp!r}')
        self.cfg = load_config(config, cfg_options)
        self.device = torch.device(device)
        self.model = build_inference_model(self.cfg, checkpoint, self.device)
        apply_inference_policy(self.model, self.device, batch_as_given=True)
        self.pipeline = array_test_pipeline(self.cfg)
        self.input_size = network_input_size(self.cfg)
        self.batch_size = batch_size
        self.amp_dtype = AMP_DTYPES.get(amp)
        if compile:
            options = compile if isinstance(compile, dict) else {}
            self.model.extract_feat = torch.compile(self.model.extract_feat,
                                                    **options)
            head = self.model.decode_head
            head.forward = torch.compile(head.forward, **options)

    def run(
        self, items: Iterable[Tuple[np.ndarray, Optional[np.ndarray]]]
    ) -> Iterator[SegDataSample]:
        """Run the model on ``(BGR image, landmarks or None)`` pairs.

        Landmarks (``5 x 2``, network-input frame) reach the model as the
        metainfo ``landmarks``. Inputs are consumed lazily, ``batch_size``
        at a time, so only one batch of images and predictions is held.

        Yields:
            SegDataSample: One per image, in order: ``pred_sem_seg`` and
            ``seg_logits`` at the image's size.
        """
        items = iter(items)
        while True:
            batch = []
            for img, landmarks in itertools.islice(items, self.batch_size):
                data = self.pipeline(dict(img=img))
                if landmarks is not None:
                    data['data_samples'].set_metainfo(
                        dict(landmarks=landmarks.astype(np.float32)))
                batch.append(data)
            if not batch:
                return
            with torch.no_grad(), torch.autocast(
                    self.device.type,
                    self.amp_dtype,
                    enabled=self.amp_dtype is not None):
                samples = self.model.test_step(pseudo_collate(batch))
            yield from samples
