# Copyright (c) segface-mmseg contributors. All rights reserved.
from typing import List, Sequence, Union

import torch
from mmengine.model import BaseTTAModel
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from mmseg.utils import SampleList
from torch import Tensor, nn

from .network_frame import to_network_frame


@MODELS.register_module()
class FaceFlipTTAModel(BaseTTAModel):
    """Flip test-time augmentation that swaps left and right classes back.

    mmseg's ``SegTTAModel`` un-flips the logits of a flipped view spatially
    and averages them with the others. For faces that mixes left and right:
    in the mirror image the subject's left eye looks like a right eye, so the
    flipped view scores it as ``r_eye``. This model swaps the channels of
    each pair in ``swap_seg_labels`` for horizontally flipped views before
    averaging (the softmax probabilities, as ``SegTTAModel``).

    Each view runs through the segmentor's ``inference`` and
    ``postprocess_result``, as ``EncoderDecoder.predict`` does. Both the
    prediction at the original image size (``pred_sem_seg``) and the one at
    the network input size (``net_pred_sem_seg``, see
    :class:`FaceEncoderDecoder`) are merged this way, so
    :class:`FaceParsingMetric` scores both. The merged sample's
    ``seg_logits`` holds the averaged probabilities at the original size.

    ``tools/test.py --tta`` wraps the config's ``model`` in the config's
    ``tta_model`` and tests with its ``tta_pipeline`` (see the dataset base
    configs).

    Args:
        module (dict | nn.Module): The segmentor.
        swap_seg_labels (Sequence[tuple[int, int]]): Left/right class id
            pairs, ``left_right_pairs(classes)``. Default: ().
        data_preprocessor (dict | nn.Module, optional): Overrides the
            segmentor's. Default: None.
    """

    def __init__(self,
                 module: Union[dict, nn.Module],
                 swap_seg_labels: Sequence = (),
                 data_preprocessor=None) -> None:
        super().__init__(module, data_preprocessor)
        self.swap_seg_labels = [tuple(pair) for pair in swap_seg_labels]

    def _swap_index(self, num_classes: int) -> Tensor:
        """Channel order that exchanges each left/right pair."""
        index = list(range(num_classes))
        for left, right in self.swap_seg_labels:
            index[left], index[right] = right, left
        return torch.tensor(index)

    def _predict_view(self, data: dict) -> SampleList:
        """Predict one view of a batch, left/right put back after a flip.

        Args:
            data (dict): ``inputs`` and ``data_samples`` of one view.

        Returns:
            list[SegDataSample]: Samples with ``seg_logits``,
            ``pred_sem_seg``, ``net_pred_sem_seg`` and ``net_seg_logits``
            (B: N x h x w at the network input size, unflipped).
        """
        data = self.module.data_preprocessor(data, False)
        samples = data['data_samples']
        metas = [sample.metainfo for sample in samples]
        # B x N x H x W at the padded network input size
        seg_logits = self.module.inference(data['inputs'], metas)
        swap = self._swap_index(seg_logits.shape[1]).to(seg_logits.device)
        for i, meta in enumerate(metas):
            if not meta.get('flip', False):
                continue
            if meta.get('flip_direction') != 'horizontal':
                raise ValueError('FaceFlipTTAModel handles horizontal flips '
                                 f'only, got {meta.get("flip_direction")!r}')
            seg_logits[i] = seg_logits[i, swap]
        net_logits = [
            to_network_frame(logits, meta)
            for logits, meta in zip(seg_logits, metas)
        ]
        samples = self.module.postprocess_result(seg_logits, samples)
        for sample, logits in zip(samples, net_logits):
            sample.net_seg_logits = PixelData(data=logits)
        return samples

    def test_step(self, data) -> SampleList:
        """Predict every view and merge them.

        Args:
            data (dict): A batch of the ``TestTimeAug`` pipeline: each value
                a list with one entry per view.

        Returns:
            list[SegDataSample]: The merged predictions.
        """
        num_views = len(data[next(iter(data))])
        views = [{key: value[i]
                  for key, value in data.items()} for i in range(num_views)]
        predictions = [self._predict_view(view) for view in views]
        return self.merge_preds(list(zip(*predictions)))

    def merge_preds(self, data_samples_list: List[SampleList]) -> SampleList:
        """Average the probabilities of the views of each image.

        Args:
            data_samples_list (list[list[SegDataSample]]): Per image, its
                views' predictions from :meth:`_predict_view`.

        Returns:
            list[SegDataSample]: One sample per image with ``seg_logits``
            (averaged probabilities), ``pred_sem_seg``,
            ``net_pred_sem_seg`` and, if given, ``gt_sem_seg``.
        """
        merged = []
        for views in data_samples_list:
            probs = torch.stack(
                [v.seg_logits.data.softmax(dim=0) for v in views]).mean(0)
            net_probs = torch.stack(
                [v.net_seg_logits.data.softmax(dim=0) for v in views]).mean(0)
            sample = SegDataSample(metainfo=views[0].metainfo)
            sample.seg_logits = PixelData(data=probs)
            sample.pred_sem_seg = PixelData(
                data=probs.argmax(dim=0, keepdim=True))
            sample.net_pred_sem_seg = PixelData(
                data=net_probs.argmax(dim=0, keepdim=True))
            if 'gt_sem_seg' in views[0]:
                sample.gt_sem_seg = views[0].gt_sem_seg
            merged.append(sample)
        return merged
