# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Checks of the samples the face datasets load.

Every face dataset of the package (:class:`SampleChecks` in its bases)
refuses, with the file or folder named:

- a split that holds no sample, or whose folder or split file is missing
  (mmengine fails on them deep inside, with a bare ``FileNotFoundError`` or
  "need at least one array to concatenate");
- samples without their image or label file (a split file naming images
  that are not there, images without labels), checked over the whole split
  before training or testing starts (one ``stat`` per file);
- label values that are neither a class id nor ``ignore_index``, at the
  sample when it is loaded (the loss would fail with an ``IndexError``, the
  metric without naming the file).
"""
import os.path as osp
from typing import List

import torch

# how many names an error lists before "..."
SHOWN = 5


class DatasetError(Exception):
    """Data on disk that a face dataset cannot use; the message starts with
    the file or folder."""


class NoSamplesError(DatasetError, FileNotFoundError):
    """A split without samples, or a missing folder, split file or label
    file."""


class LabelValueError(DatasetError, ValueError):
    """A label value that is neither a class id nor ``ignore_index``."""


def one_line(error: BaseException) -> str:
    """The message of a :class:`DatasetError`, on one line, also when a
    DataLoader worker raised it (torch then re-raises it with the worker's
    traceback as its message, the original message on the last line)."""
    lines = str(error).strip().splitlines()
    if len(lines) > 1 and 'Original Traceback' in str(error):
        return lines[-1].split(': ', 1)[-1]
    return ' '.join(line.strip() for line in lines)


def first_few(names: List[str]) -> str:
    """The first :data:`SHOWN` of ``names``, then "..." if there are more."""
    more = ', ...' if len(names) > SHOWN else ''
    return ', '.join(names[:SHOWN]) + more


def _local(path: str) -> bool:
    return bool(path) and '://' not in path


def _advice(dataset) -> str:
    return (f'for {type(dataset).__name__}; check data_root and data_prefix, '
            'or convert the dataset first (docs/datasets.md)')


class SampleChecks:
    """Mixin of the face datasets: the checks of the module docstring.

    Put it before the dataset's mmseg base class.
    """

    def load_data_list(self) -> List[dict]:
        """mmseg's samples (at least one, each with its label file)."""
        img_dir = self.data_prefix.get('img_path') or self.data_root
        ann_file = self.ann_file
        if ann_file and _local(ann_file) and not osp.exists(ann_file):
            raise NoSamplesError(f'{ann_file}: no such split file '
                                 f'{_advice(self)}')
        if not (ann_file and osp.isfile(ann_file)) and _local(img_dir) and \
                not osp.isdir(img_dir):
            raise NoSamplesError(f'{img_dir}: no such folder of images '
                                 f'{_advice(self)}')
        data_list = super().load_data_list()
        if not data_list:
            listed = f', listed in {ann_file}' if ann_file else ''
            raise NoSamplesError(
                f'{img_dir}: no samples ({self.img_suffix} images with '
                f'{self.seg_map_suffix} labels{listed}) {_advice(self)}')
        for key, what in (('img_path', 'image'), ('seg_map_path',
                                                  'label file')):
            missing = [
                info[key] for info in data_list
                if _local(info.get(key)) and not osp.isfile(info[key])
            ]
            if missing:
                raise NoSamplesError(
                    f'{osp.dirname(missing[0])}: {len(missing)} of the '
                    f'{len(data_list)} samples have no {what}: '
                    f'{first_few(missing)} {_advice(self)}')
        return data_list

    def prepare_data(self, idx: int):
        """The pipeline's output for sample ``idx``, its labels checked."""
        data = super().prepare_data(idx)
        samples = data.get('data_samples') if isinstance(data, dict) else None
        for sample in samples if isinstance(samples, list) else [samples]:
            if sample is not None and 'gt_sem_seg' in sample:
                self._check_label_values(sample.gt_sem_seg.data, idx)
        return data

    def _check_label_values(self, label, idx: int) -> None:
        """Raise unless every label value is a class id or ignored."""
        classes = self._metainfo.get('classes')
        if classes is None:
            return
        label = torch.as_tensor(label)
        num_classes = len(classes)
        outside = (label >= num_classes) | (label < 0)
        outside &= label != self.ignore_index
        if not bool(outside.any()):
            return
        bad = torch.unique(label[outside]).tolist()
        path = self.get_data_info(idx).get('seg_map_path')
        raise LabelValueError(
            f'{path}: label values {bad} are not class ids: the dataset '
            f'has {num_classes} classes (ids 0-{num_classes - 1}, '
            f'{self.ignore_index} ignored) {tuple(classes)} from '
            f'{self._classes_source()}')

    def _classes_source(self) -> str:
        """Where the class list comes from, for the messages."""
        return f'{type(self).__name__}.METAINFO'
