# Copyright (c) segface-mmseg contributors. All rights reserved.
from mmengine.structures import PixelData
from mmseg.models.segmentors import EncoderDecoder
from mmseg.registry import MODELS
from mmseg.utils import OptSampleList, SampleList
from torch import Tensor


@MODELS.register_module()
class FaceEncoderDecoder(EncoderDecoder):
    """EncoderDecoder that also keeps the prediction at network resolution.

    Face-parsing papers (SegFace among them) score predictions at the network
    input resolution against labels resized there, while mmseg resizes the
    logits back to the original image size. Besides mmseg's usual
    ``seg_logits`` and ``pred_sem_seg`` (original size), each data sample
    gets ``net_pred_sem_seg``: the argmax at the network input size
    (``img_shape``, padding removed, flips undone), which
    :class:`FaceParsingMetric` uses for the paper protocol.

    Args:
        **kwargs: Arguments of :class:`mmseg.models.EncoderDecoder`.
    """

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
        _, _, h, w = seg_logits.shape
        net_preds = []
        for i, data_sample in enumerate(data_samples):
            meta = data_sample.metainfo
            left, right, top, bottom = meta.get(
                'img_padding_size', meta.get('padding_size', [0] * 4))
            pred = seg_logits[i, :, top:h - bottom, left:w - right].argmax(
                dim=0, keepdim=True)
            if meta.get('flip', False):
                flip_dim = 2 if meta.get('flip_direction') == 'horizontal' \
                    else 1
                pred = pred.flip(dims=(flip_dim, ))
            net_preds.append(pred)
        data_samples = super().postprocess_result(seg_logits, data_samples)
        for data_sample, pred in zip(data_samples, net_preds):
            data_sample.net_pred_sem_seg = PixelData(data=pred)
        return data_samples
