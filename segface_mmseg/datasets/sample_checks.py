# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Checks of the sample lists the face datasets load."""
from typing import List


def require_samples(data_list: List[dict], dataset) -> List[dict]:
    """Return ``data_list``, or raise if the split holds no sample.

    mmengine fails on an empty split deep in its serialisation ("need at
    least one array to concatenate"); this names the folder instead.

    Args:
        data_list (list[dict]): The loaded samples.
        dataset (BaseSegDataset): The dataset that loaded them.

    Raises:
        FileNotFoundError: No sample.
    """
    if data_list:
        return data_list
    where = dataset.data_prefix.get('img_path') or dataset.data_root
    listed = f', listed in {dataset.ann_file}' if dataset.ann_file else ''
    raise FileNotFoundError(
        f'{where}: no samples ({dataset.img_suffix} images with '
        f'{dataset.seg_map_suffix} labels{listed}) for '
        f'{type(dataset).__name__}; check data_root and data_prefix, or '
        'convert the dataset first (docs/datasets.md)')
