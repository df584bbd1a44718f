# Copyright (c) segface-mmseg contributors. All rights reserved.
from collections import OrderedDict
from typing import Dict, Optional, Sequence

import mmcv
import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger, print_log
from mmseg.registry import METRICS
from prettytable import PrettyTable


@METRICS.register_module()
class FaceParsingMetric(BaseMetric):
    """Face-parsing scores as the papers report them.

    One confusion matrix is summed over the whole test set (not averaged per
    image); from it:

    - ``mF1``: mean per-class F1 (= Dice) over the foreground classes,
      background (class 0) excluded. This is the number SegFace, FaRL and
      DML-CSR report.
    - ``mIoU``: mean IoU over all classes, background included, as the
      official SegFace evaluation logs it (a class absent from both label and
      prediction counts as IoU 0 there, as in the official code).
    - ``aAcc`` (pixel accuracy) and ``mAcc`` (mean class accuracy).
    - ``F1@<group>`` for each merged group of classes (Helen's eyes, brows,
      mouth, overall): the F1 of the union of the group's classes.

    Scores are computed twice:

    - at the network input resolution, the paper protocol: the prediction at
      the network size (``net_pred_sem_seg``, written by
      :class:`FaceEncoderDecoder`) against the label resized there with PIL
      nearest, exactly as the official pipeline resizes labels. Keys as
      above.
    - at the native image resolution (``pred_sem_seg`` against the label as
      loaded). Keys get the suffix ``_native``.

    A class absent from both label and prediction has F1 NaN and is left out
    of ``mF1``. Class names come from ``dataset_meta['classes']``.

    Args:
        ignore_index (int): Label of pixels to leave out. Default: 255.
        merged_groups (dict[str, Sequence[str]], optional): Named groups of
            class names whose union is scored as one class. Default: None.
        native (bool): Also score at the native resolution. Default: True.
        collect_device (str): 'cpu' or 'gpu'. Default: 'cpu'.
        prefix (str, optional): Prefix of the metric names. Default: None.
    """

    def __init__(self,
                 ignore_index: int = 255,
                 merged_groups: Optional[Dict[str, Sequence[str]]] = None,
                 native: bool = True,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 **kwargs) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ignore_index = ignore_index
        self.merged_groups = dict(merged_groups or {})
        self.native = native

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Add the confusion matrices of a batch to ``self.results``.

        Args:
            data_batch (dict): The batch (unused).
            data_samples (Sequence[dict]): Predicted samples with
                ``net_pred_sem_seg``, ``pred_sem_seg`` and ``gt_sem_seg``.
        """
        num_classes = len(self.dataset_meta['classes'])
        for data_sample in data_samples:
            if 'net_pred_sem_seg' not in data_sample:
                raise KeyError(
                    'FaceParsingMetric needs net_pred_sem_seg in the '
                    'predictions: build the model as FaceEncoderDecoder '
                    f'(got the sample of {data_sample.get("img_path")})')
            label = data_sample['gt_sem_seg']['data'].squeeze(0).cpu()
            net_pred = data_sample['net_pred_sem_seg']['data'].squeeze(0)
            net_label = mmcv.imresize(
                label.numpy().astype(np.uint8),
                (net_pred.shape[1], net_pred.shape[0]),
                interpolation='nearest',
                backend='pillow')
            matrices = [
                self.confusion_matrix(
                    torch.from_numpy(net_label), net_pred.cpu(), num_classes,
                    self.ignore_index)
            ]
            if self.native:
                pred = data_sample['pred_sem_seg']['data'].squeeze(0).cpu()
                matrices.append(
                    self.confusion_matrix(label, pred, num_classes,
                                          self.ignore_index))
            self.results.append(matrices)

    @staticmethod
    def confusion_matrix(label: torch.Tensor, pred: torch.Tensor,
                         num_classes: int, ignore_index: int) -> np.ndarray:
        """N x N matrix counting pixels of label i predicted as j.

        Args:
            label (Tensor): H x W ground truth.
            pred (Tensor): H x W prediction, same shape.
            num_classes (int): N.
            ignore_index (int): Label of pixels to leave out.

        Returns:
            np.ndarray: int64 N x N confusion matrix.
        """
        if label.shape != pred.shape:
            raise ValueError(f'label shape {tuple(label.shape)} differs from '
                             f'prediction shape {tuple(pred.shape)}')
        label = label.flatten().long()
        pred = pred.flatten().long()
        keep = label != ignore_index
        label, pred = label[keep], pred[keep]
        if label.numel() and (label.min() < 0 or label.max() >= num_classes):
            raise ValueError(
                f'label values must be in [0, {num_classes}) or '
                f'{ignore_index}, found {label.unique().tolist()}')
        counts = torch.bincount(
            label * num_classes + pred, minlength=num_classes**2)
        return counts.reshape(num_classes, num_classes).numpy()

    @staticmethod
    def scores_from_confusion(
            confusion: np.ndarray,
            merged_groups: Optional[Dict[str, Sequence[int]]] = None) -> dict:
        """Per-class and summary scores of a summed confusion matrix.

        Args:
            confusion (np.ndarray): N x N, rows are labels, columns
                predictions.
            merged_groups (dict[str, Sequence[int]], optional): Groups of
                class ids scored as one class.

        Returns:
            dict: ``F1``, ``IoU``, ``Acc`` (arrays of N, in %), ``mF1``
            (foreground mean), ``mIoU``, ``mAcc``, ``aAcc`` and
            ``F1@<group>`` (floats, in %).
        """
        confusion = confusion.astype(np.float64)
        tp = np.diag(confusion)
        label_area = confusion.sum(1)
        pred_area = confusion.sum(0)
        with np.errstate(divide='ignore', invalid='ignore'):
            f1 = 2 * tp / (label_area + pred_area) * 100
        iou = tp / np.maximum(1.0, label_area + pred_area - tp) * 100
        acc = tp / np.maximum(1.0, label_area) * 100
        scores = dict(
            F1=f1,
            IoU=iou,
            Acc=acc,
            mF1=float(np.nanmean(f1[1:]))
            if np.any(~np.isnan(f1[1:])) else float('nan'),
            mIoU=float(iou.mean()),
            mAcc=float(acc.mean()),
            aAcc=float(tp.sum() / max(1.0, confusion.sum()) * 100))
        for name, ids in (merged_groups or {}).items():
            ids = list(ids)
            intersect = confusion[np.ix_(ids, ids)].sum()
            total = confusion[ids, :].sum() + confusion[:, ids].sum()
            scores[f'F1@{name}'] = float(2 * intersect / total *
                                         100) if total else float('nan')
        return scores

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Sum the confusion matrices, log the per-class table, and return the
        summary scores.

        Args:
            results (list): Per-sample lists of confusion matrices.

        Returns:
            dict[str, float]: Summary scores, rounded to 2 decimals.
        """
        logger: MMLogger = MMLogger.get_current_instance()
        classes = self.dataset_meta['classes']
        index = {name: i for i, name in enumerate(classes)}
        unknown = [
            name for group in self.merged_groups.values() for name in group
            if name not in index
        ]
        if unknown:
            raise ValueError(f'merged_groups name classes {unknown} that are '
                             f'not in the dataset classes {classes}')
        groups = {
            name: [index[c] for c in group]
            for name, group in self.merged_groups.items()
        }
        metrics = OrderedDict()
        suffixes = ['', '_native'] if self.native else ['']
        for k, suffix in enumerate(suffixes):
            confusion = np.sum([r[k] for r in results], axis=0)
            scores = self.scores_from_confusion(confusion, groups)
            table = PrettyTable()
            table.add_column('Class', list(classes))
            for key in ('F1', 'IoU', 'Acc'):
                table.add_column(key, np.round(scores.pop(key), 2).tolist())
            resolution = 'native' if suffix else 'network input (paper)'
            print_log(
                f'per-class results at {resolution} resolution:\n' +
                table.get_string(),
                logger=logger)
            metrics.update((key + suffix, round(value, 2))
                           for key, value in scores.items())
        return dict(metrics)
