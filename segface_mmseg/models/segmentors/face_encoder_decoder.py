# Copyright (c) segface-mmseg contributors. All rights reserved.
import logging
import warnings
from typing import Callable, List, Optional, Tuple

import torch
from mmengine.logging import print_log
from mmengine.structures import PixelData
from mmseg.models.segmentors import EncoderDecoder
from mmseg.registry import MODELS
from mmseg.utils import OptConfigType, OptSampleList, SampleList, add_prefix
from torch import Tensor

from ..utils.face_warp import FaceWarp
from .micro_batches import (MicroBatch, check_micro_batch, in_micro_batches,
                            micro_batch_size)
from .network_frame import to_network_frame

_ALIGN_DEFAULTS = dict(warp_factor=0.8, face_scale=1.0)


@MODELS.register_module()
class FaceEncoderDecoder(EncoderDecoder):
    """EncoderDecoder for face parsing: paper-protocol predictions and
    optional landmark alignment.

    Face-parsing papers (SegFace among them) score predictions at the network
    input resolution against labels resized there, while mmseg resizes the
    logits back to the original image size. Besides mmseg's usual
    ``seg_logits`` and ``pred_sem_seg`` (original size), each data sample
    gets ``net_pred_sem_seg``: the argmax at the network input size
    (``img_shape``, padding removed, flips undone), which
    :class:`FaceParsingMetric` uses for the paper protocol.

    With ``align_cfg`` (SegFace's LaPa models), every image whose metainfo
    has ``landmarks`` (a 5 x 2 array of (x, y) pixels in the network-input
    frame: eye, eye, nose tip, mouth corner, mouth corner) is tanh-warped to
    an aligned face before the backbone, and its logits are warped back to
    the image frame (zero, i.e. uniform, outside the warped area). Losses
    are computed on the warped-back logits, as in SegFace. Images without
    landmarks run unaligned; this is logged once.

    Inference (``predict`` and ``tensor`` modes, in eval mode) runs the
    batch it is given, unless ``inference_micro_batch`` splits it (outputs
    equal to the whole batch's up to float rounding; training always sees
    the whole batch). Which size each device gets is decided outside the
    model, by :mod:`segface_mmseg.apis.inference_policy`.

    Args:
        align_cfg (dict, optional): ``warp_factor`` (0: crop, 1: full tanh;
            SegFace: 0.8) and ``face_scale`` (SegFace: 1.0). Default: None
            (no alignment).
        inference_micro_batch (int | None): Images per inference pass;
            None for the whole batch. ``'auto'`` (1 on the CPU, the whole
            batch elsewhere) is deprecated: the inference policy sets it.
            Default: None.
        **kwargs: Arguments of :class:`mmseg.models.EncoderDecoder`.
    """

    def __init__(self,
                 align_cfg: OptConfigType = None,
                 inference_micro_batch: MicroBatch = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.align_cfg = self._check_align_cfg(align_cfg)
        if inference_micro_batch == 'auto':
            warnings.warn(
                "FaceEncoderDecoder(inference_micro_batch='auto') is "
                'deprecated: segface_mmseg.apis.apply_inference_policy sets '
                'it per device', DeprecationWarning)
        self.inference_micro_batch = check_micro_batch(inference_micro_batch)
        self._warned_unaligned = False

    def _check_align_cfg(self, align_cfg: OptConfigType) -> Optional[dict]:
        if align_cfg is None:
            return None
        unknown = set(align_cfg) - set(_ALIGN_DEFAULTS)
        if unknown:
            raise ValueError(f'{type(self).__name__}: unknown align_cfg keys '
                             f'{sorted(unknown)}; known: '
                             f'{sorted(_ALIGN_DEFAULTS)}')
        cfg = dict(_ALIGN_DEFAULTS, **align_cfg)
        if not 0.0 <= cfg['warp_factor'] <= 1.0:
            raise ValueError('align_cfg.warp_factor must be in [0, 1], got '
                             f"{cfg['warp_factor']}")
        if cfg['face_scale'] <= 0:
            raise ValueError('align_cfg.face_scale must be positive, got '
                             f"{cfg['face_scale']}")
        if self.with_auxiliary_head:
            raise ValueError(f'{type(self).__name__}: align_cfg does not '
                             'support auxiliary heads')
        if self.test_cfg is not None and self.test_cfg.get('mode') == 'slide':
            raise ValueError(f'{type(self).__name__}: align_cfg needs whole-'
                             "image inference (test_cfg.mode='whole')")
        return cfg

    def face_warp(
            self, inputs: Tensor,
            batch_img_metas: List[dict]) -> Optional[Tuple[FaceWarp, Tensor]]:
        """The warp of the images that have landmarks.

        Args:
            inputs (Tensor): B x 3 x H x W network inputs.
            batch_img_metas (list[dict]): Metainfo; ``landmarks`` (5 x 2,
                (x, y) pixels of the network input) where known.

        Returns:
            tuple[FaceWarp, Tensor] | None: The warp and the indices of the
            images it applies to, or None without alignment.
        """
        if self.align_cfg is None:
            return None
        indices = [
            i for i, meta in enumerate(batch_img_metas)
            if meta.get('landmarks') is not None
        ]
        if len(indices) < len(batch_img_metas) and not self._warned_unaligned:
            print_log(
                f'{type(self).__name__}: alignment is configured but '
                f'{len(batch_img_metas) - len(indices)} of '
                f'{len(batch_img_metas)} images have no `landmarks` in their '
                'metainfo; those run unaligned (logged once).',
                logger='current',
                level=logging.WARNING)
            self._warned_unaligned = True
        if not indices:
            return None
        landmarks = []
        for i in indices:
            points = torch.as_tensor(
                batch_img_metas[i]['landmarks'], dtype=torch.float32)
            if points.shape != (5, 2):
                raise ValueError(
                    'landmarks must be a 5 x 2 array of (x, y) pixels, got '
                    f'shape {tuple(points.shape)} for '
                    f"{batch_img_metas[i].get('img_path', f'image {i}')}")
            landmarks.append(points)
        warp = FaceWarp(
            torch.stack(landmarks).to(inputs.device),
            image_shape=inputs.shape[2:],
            warp_factor=self.align_cfg['warp_factor'],
            face_scale=self.align_cfg['face_scale'])
        return warp, torch.tensor(indices, device=inputs.device)

    @staticmethod
    def _warp(x: Tensor, warp, inverse: bool = False) -> Tensor:
        """Warp the images of ``warp`` in a B x C x H x W batch to the
        aligned frame, or (``inverse``) maps of the aligned frame back to the
        image frame; the other images are unchanged."""
        if warp is None:
            return x
        face_warp, indices = warp
        selected = x[indices]
        warped = face_warp.unwarp(selected) if inverse \
            else face_warp.warp(selected)
        if len(indices) == x.shape[0]:
            return warped
        out = x.clone()
        out[indices] = warped
        return out

    def _micro_batch(self, inputs: Tensor) -> Optional[int]:
        """Images per inference pass, or None for the whole batch (always
        in training mode and when traced, e.g. for the ONNX export)."""
        if self.training or torch.jit.is_tracing():
            return None
        return micro_batch_size(self.inference_micro_batch, inputs)

    def _metas(self, inputs: Tensor,
               data_samples: OptSampleList) -> List[dict]:
        if data_samples is None:
            return [{}] * inputs.shape[0]
        return [data_sample.metainfo for data_sample in data_samples]

    def _logits_in_image_frame(
            self, inputs: Tensor, batch_img_metas: List[dict],
            decode: Callable[[List[Tensor]], Tensor]) -> Tensor:
        """Align -> features -> ``decode`` -> warp back: the one step of
        :meth:`encode_decode`, :meth:`loss` and :meth:`_forward`.

        Args:
            inputs (Tensor): B x 3 x H x W.
            batch_img_metas (list[dict]): Metainfo (``landmarks``).
            decode (callable): Features -> B x N x h x w logits.

        Returns:
            Tensor: B x N x H x W logits in the input image frame (unchanged
            where an image is not aligned).
        """
        warp = self.face_warp(inputs, batch_img_metas)
        x = self.extract_feat(self._warp(inputs, warp))
        return self._warp(decode(x), warp, inverse=True)

    def encode_decode(self, inputs: Tensor,
                      batch_img_metas: List[dict]) -> Tensor:
        """Logits of (aligned) images, in the input image frame.

        Args:
            inputs (Tensor): B x 3 x H x W.
            batch_img_metas (list[dict]): Metainfo of the images.

        Returns:
            Tensor: B x N x H x W logits.
        """
        micro_batch = self._micro_batch(inputs)
        if micro_batch:
            return in_micro_batches(self.encode_decode, inputs,
                                    batch_img_metas, micro_batch)
        return self._logits_in_image_frame(
            inputs, batch_img_metas, lambda x: self.decode_head.predict(
                x, batch_img_metas, self.test_cfg))

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """Losses; with alignment, on the logits warped back to the image.

        Args:
            inputs (Tensor): B x 3 x H x W.
            data_samples (list[SegDataSample]): Samples with
                ``gt_sem_seg`` and metainfo.

        Returns:
            dict[str, Tensor]: Loss components.
        """
        if self.align_cfg is None:
            return super().loss(inputs, data_samples)
        seg_logits = self._logits_in_image_frame(
            inputs, self._metas(inputs, data_samples),
            self.decode_head.forward)
        losses = self.decode_head.loss_by_feat(seg_logits, data_samples)
        return add_prefix(losses, 'decode')

    def _forward(self,
                 inputs: Tensor,
                 data_samples: OptSampleList = None) -> Tensor:
        """Raw logits (B x N x H x W); aligned when landmarks are given."""
        micro_batch = self._micro_batch(inputs)
        if micro_batch:
            return in_micro_batches(self._forward, inputs, data_samples,
                                    micro_batch)
        return self._logits_in_image_frame(inputs,
                                           self._metas(inputs, data_samples),
                                           self.decode_head.forward)

    def postprocess_result(self,
                           seg_logits: Tensor,
                           data_samples: OptSampleList = None) -> SampleList:
        """Add ``net_pred_sem_seg`` to mmseg's post-processing.

        Args:
            seg_logits (Tensor): B x N x H x W logits at the padded network
                input size.
            data_samples (list[SegDataSample], optional): Samples with
                ``metainfo``.

        Returns:
            list[SegDataSample]: Samples with ``seg_logits``,
            ``pred_sem_seg`` and, when metainfo is given,
            ``net_pred_sem_seg``.
        """
        if data_samples is None:
            return super().postprocess_result(seg_logits, data_samples)
        net_preds = [
            to_network_frame(logits,
                             sample.metainfo).argmax(dim=0, keepdim=True)
            for logits, sample in zip(seg_logits, data_samples)
        ]
        data_samples = super().postprocess_result(seg_logits, data_samples)
        for data_sample, pred in zip(data_samples, net_preds):
            data_sample.net_pred_sem_seg = PixelData(data=pred)
        return data_samples
