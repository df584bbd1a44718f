# Copyright (c) segface-mmseg contributors. All rights reserved.
import os.path as osp
from typing import List, Optional

from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from ..classes.classes_file import KEYS, face_metainfo, read_classes_file
from .sample_checks import SampleChecks


@DATASETS.register_module()
class FaceParsingDataset(SampleChecks, BaseSegDataset):
    """One's own face-parsing data, with one's own class list.

    mmseg's folder layout: ``img_dir/{split}/{name}.jpg`` and
    ``ann_dir/{split}/{name}.png``, label ids ``0 .. len(classes) - 1`` (255:
    ignored). The class names, palette and left/right pairs come from the
    config's ``metainfo`` or, without ``classes`` there, from
    ``classes.json`` in ``data_root`` (format: :mod:`.classes_file`); when
    both name classes they must agree. The built-in datasets' tools work
    alike:

    - flip: ``RandomFaceFlip(prob=0.5, swap_seg_labels='dataset')`` swaps
      the pairs of the dataset (each sample carries them as
      ``left_right_pairs``, ids);
    - metric: ``FaceParsingMetric`` and the visualisation read ``classes``
      and ``palette`` from the dataset's metainfo, which also holds
      ``left_right_pairs``.

    A label value that is neither a class id nor ``ignore_index`` is an
    error naming the label file, raised when the sample is loaded; a
    missing folder or label file, or an empty split, an error naming it
    (:class:`~.sample_checks.SampleChecks`).

    Args:
        classes_file (str): The class-list file, relative to ``data_root``
            (or absolute). Default: 'classes.json'.
        metainfo (dict, optional): ``classes``, ``palette``,
            ``left_right_pairs`` (names or ids); given keys override the
            file's. Default: None.
        img_suffix (str): Default: '.jpg'.
        seg_map_suffix (str): Default: '.png'.
        reduce_zero_label (bool): Default: False (0 is a class).
        **kwargs: :class:`BaseSegDataset` arguments.
    """
    METAINFO = dict()

    def __init__(self,
                 classes_file: str = 'classes.json',
                 metainfo: Optional[dict] = None,
                 img_suffix: str = '.jpg',
                 seg_map_suffix: str = '.png',
                 reduce_zero_label: bool = False,
                 **kwargs) -> None:
        self.classes_file = classes_file
        if kwargs.get('data_root') and not osp.isabs(classes_file):
            self.classes_file = osp.join(kwargs['data_root'], classes_file)
        super().__init__(
            metainfo=self._face_metainfo(metainfo),
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            reduce_zero_label=reduce_zero_label,
            **kwargs)

    def _face_metainfo(self, metainfo: Optional[dict]) -> dict:
        """The config's metainfo merged over the classes file's, checked."""
        given = dict(metainfo or {})
        path = self.classes_file
        from_file = read_classes_file(path) if osp.isfile(path) else None
        if from_file is None and 'classes' not in given:
            raise FileNotFoundError(
                f'{path}: no such file, and the config\'s metainfo names no '
                f'classes: {type(self).__name__} needs its class list from '
                'one of them (see docs/finetune.md)')
        if from_file is None:
            meta = face_metainfo(
                given['classes'],
                given.get('palette'),
                given.get('left_right_pairs'),
                source='the config\'s metainfo')
        elif 'classes' in given and tuple(given['classes']) != \
                from_file['classes']:
            raise ValueError(
                f'{path}: its classes {from_file["classes"]} differ from the '
                f'config\'s metainfo classes {tuple(given["classes"])}; the '
                'label ids follow one list, so give one (or make them agree)')
        else:
            meta = face_metainfo(
                from_file['classes'],
                given.get('palette', from_file['palette']),
                given.get('left_right_pairs', from_file['left_right_pairs']),
                source=path)
        meta.update((k, v) for k, v in given.items() if k not in KEYS)
        return meta

    def load_data_list(self) -> List[dict]:
        """mmseg's samples (at least one), each with the dataset's
        ``left_right_pairs``."""
        data_list = super().load_data_list()
        pairs = [tuple(pair) for pair in self._metainfo['left_right_pairs']]
        for data_info in data_list:
            data_info['left_right_pairs'] = pairs
        return data_list

    def _classes_source(self) -> str:
        return self.classes_file if osp.isfile(self.classes_file) \
            else 'the config\'s metainfo'
