# Copyright (c) segface-mmseg contributors. All rights reserved.
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from ..classes import CELEBAMASK_HQ_CLASSES, palette_of
from .sample_checks import SampleChecks


@DATASETS.register_module()
class CelebAMaskHQDataset(SampleChecks, BaseSegDataset):
    """CelebAMask-HQ face parsing, 19 classes in SegFace's label order.

    Expects the layout written by the converter
    ``tools/dataset_converters/celebamask_hq.py``: the downloaded images
    ``img_dir/{split}/{id}.jpg`` and ``ann_dir/{split}/{id}.png`` at their
    size with label ids 0-18 (0 is background, a class of its own, hence
    ``reduce_zero_label=False``). See ``face_classes`` for the
    left/right convention. An empty split, a missing folder or label
    file, and label values beyond the classes are errors naming the file
    (:class:`~.sample_checks.SampleChecks`).
    """
    METAINFO = dict(
        classes=CELEBAMASK_HQ_CLASSES,
        palette=palette_of(CELEBAMASK_HQ_CLASSES))

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
