# Copyright (c) segface-mmseg contributors. All rights reserved.
from mmseg.registry import DATASETS

from ..classes import LAPA_CLASSES, palette_of
from .face_landmark_dataset import FaceLandmarkDataset


@DATASETS.register_module()
class LaPaDataset(FaceLandmarkDataset):
    """LaPa face parsing, 11 classes in the official id order.

    Expects the layout written by ``tools/dataset_converters/lapa.py``:
    ``img_dir/{split}/{name}.jpg``, ``ann_dir/{split}/{name}.png`` (ids
    0-10; 0 is background, a class of its own, hence
    ``reduce_zero_label=False``) and ``landmarks/{split}/{name}.txt`` (the
    5 alignment points SegFace derives from LaPa's 106, see
    :class:`FaceLandmarkDataset`). Images keep their own sizes.
    """
    METAINFO = dict(classes=LAPA_CLASSES, palette=palette_of(LAPA_CLASSES))

    def __init__(self,
                 img_suffix='.jpg',
                 seg_map_suffix='.png',
                 reduce_zero_label=False,
                 **kwargs) -> None:
        super().__init__(
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            reduce_zero_label=reduce_zero_label,
            **kwargs)
