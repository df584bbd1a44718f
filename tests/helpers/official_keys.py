# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The official SegFace state-dict keys, frozen from the official code.

``tests/data/official_keys/official_keys.json.gz`` holds, for each distinct
official architecture, the ordered ``state_dict()`` keys of the official
model with their shapes and dtypes, and the releases that share them (see
``tests/data/official_keys/README.md`` for how it was produced). Nothing here
is derived from :mod:`segface_mmseg`: the tests compare the package's layout
table, its converter and the made-up files of ``tests.official_weights``
against these lists.
"""
import functools
import gzip
import json
import os.path as osp
from collections import OrderedDict
from typing import Dict, Tuple

import torch

FROZEN_KEYS_PATH = osp.join(
    osp.dirname(osp.dirname(osp.abspath(__file__))), 'data', 'official_keys',
    'official_keys.json.gz')


@functools.lru_cache(maxsize=None)
def frozen_official_keys() -> Dict:
    """The frozen file: ``official_commit``, ``torch``, ``torchvision`` and
    ``architectures`` (name -> ``model``, ``num_classes``,
    ``official_classes``, ``num_parameters``, ``releases``, ``keys``)."""
    with gzip.open(FROZEN_KEYS_PATH, 'rt') as f:
        return json.load(f)


def frozen_architecture(release: str) -> Dict:
    """The frozen architecture entry that lists ``release``."""
    for arch in frozen_official_keys()['architectures'].values():
        if release in arch['releases']:
            return arch
    raise KeyError(f'release {release!r} is not in {FROZEN_KEYS_PATH}')


def frozen_key_shapes(
        release: str) -> 'OrderedDict[str, Tuple[Tuple[int, ...], str]]':
    """Official key -> (shape, dtype name), in the official order."""
    return OrderedDict(
        (key, (tuple(shape), dtype))
        for key, shape, dtype in frozen_architecture(release)['keys'])


def _swin_index_buffers(model: str) -> Dict[str, torch.Tensor]:
    """True values of Swin's index buffers, from torchvision's attention
    modules (window 7 for Swin, 8 for Swin-V2, as the official models)."""
    from torchvision.models import swin_transformer as tv_swin
    if model == 'swin_base':
        attn = tv_swin.ShiftedWindowAttention(8, [7, 7], [0, 0], 1)
    elif model == 'swinv2_base':
        attn = tv_swin.ShiftedWindowAttentionV2(8, [8, 8], [0, 0], 1)
    else:
        return {}
    return dict(attn.named_buffers())


def frozen_official_state_dict(
        release: str) -> 'OrderedDict[str, torch.Tensor]':
    """An official ``state_dict_backbone`` with the frozen keys and shapes.

    Float tensors hold ``index + 1`` of their key in the frozen order,
    broadcast over the shape (no memory; every converted tensor shows which
    official tensor it came from); ``num_batches_tracked`` is 0; Swin's
    index buffers hold torchvision's values.
    """
    arch = frozen_architecture(release)
    buffers = _swin_index_buffers(arch['model'])
    out = OrderedDict()
    for i, (key, shape, dtype) in enumerate(arch['keys']):
        name = key.rsplit('.', 1)[-1]
        if name in buffers:
            assert tuple(buffers[name].shape) == tuple(shape), key
            out[key] = buffers[name].clone()
        elif dtype == 'float32':
            out[key] = torch.tensor(float(i + 1)).expand(shape)
        else:
            out[key] = torch.zeros(shape, dtype=getattr(torch, dtype))
    return out
