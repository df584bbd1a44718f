# Copyright (c) segface-mmseg contributors. All rights reserved.
from mmseg.registry import DATASETS

from ..classes import HELEN_CLASSES, palette_of
from .face_landmark_dataset import FaceLandmarkDataset


@DATASETS.register_module()
class HelenDataset(FaceLandmarkDataset):
    """Helen face parsing (relabeled), 11 classes in LaPa's id order.

    Expects the layout written by ``tools/dataset_converters/helen.py``:
    face crops ``img_dir/{split}/{name}.png``, labels
    ``ann_dir/{split}/{name}.png`` (ids 0-10, ``reduce_zero_label=False``)
    and ``landmarks/{split}/{name}.txt`` (5 points from the 68, see
    :class:`FaceLandmarkDataset`).
    """
    METAINFO = dict(classes=HELEN_CLASSES, palette=palette_of(HELEN_CLASSES))

    def __init__(self,
                 img_suffix='.png',
                 seg_map_suffix='.png',
                 reduce_zero_label=False,
                 **kwargs) -> None:
        super().__init__(
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            reduce_zero_label=reduce_zero_label,
            **kwargs)
