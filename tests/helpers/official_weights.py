# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Made-up official SegFace checkpoints, for tests and benchmarks.

``state_dict_backbone`` dicts with the official key set and shapes
(:func:`segface_mmseg.checkpoints.official_key_shapes`) and deterministic,
plausible values, so conversion and loading can be tested without the
released files. Not part of the installed package: import it as
``tests.official_weights`` from the repository root.
"""
import zlib
from collections import OrderedDict
from typing import Dict, Tuple

import numpy as np
import torch

from segface_mmseg.checkpoints import official_key_shapes


def _index_buffers(backbone: str) -> Dict[str, torch.Tensor]:
    """Values of the Swin index/coordinate buffers (fixed by the window)."""
    if backbone not in ('swin_base', 'swinv2_base'):
        return {}
    from torchvision.models import swin_transformer as tv_swin
    if backbone == 'swin_base':
        attn = tv_swin.ShiftedWindowAttention(8, [7, 7], [0, 0], 1)
    else:
        attn = tv_swin.ShiftedWindowAttentionV2(8, [8, 8], [0, 0], 1)
    return {
        name: buf
        for name, buf in attn.named_buffers()
        if name in ('relative_position_index', 'relative_coords_table')
    }


def synthetic_value(key: str,
                    shape: Tuple[int, ...],
                    seed: int = 0) -> torch.Tensor:
    """A deterministic, plausible value for one official key.

    Values come from numpy's legacy ``RandomState`` (its streams are frozen
    across numpy versions) seeded by ``crc32(f'{seed}/{key}')``, scaled by
    the role the key name implies (norm and BN affine around 1, positive
    running variances, weights ~ N(0, 1 / fan_in), ...), so a model loaded
    with them gives finite, non-trivial outputs.

    Args:
        key (str): Official key name.
        shape (tuple[int]): Its shape.
        seed (int): Seed mixed into every key's stream. Default: 0.

    Returns:
        Tensor: float32 (int64 for ``num_batches_tracked``).
    """
    if key.endswith('num_batches_tracked'):
        return torch.zeros(shape, dtype=torch.int64)
    rng = np.random.RandomState(zlib.crc32(f'{seed}/{key}'.encode()))
    if key.endswith('running_var'):
        value = rng.uniform(0.5, 1.5, shape)
    else:
        noise = rng.standard_normal(shape)
        name = key.rsplit('.', 1)[-1]
        if name == 'running_mean':
            value = 0.1 * noise
        elif name == 'layer_scale':
            value = 0.1 + 0.05 * noise
        elif name == 'logit_scale':
            value = np.log(10.0) + 0.1 * noise
        elif name == 'relative_position_bias_table':
            value = 0.1 * noise
        elif key.endswith('_token.weight') or name.endswith('gaussian_matrix'):
            value = noise
        elif name == 'bias':
            value = 0.05 * noise
        elif len(shape) == 1:  # norm / BN affine weights
            value = 1.0 + 0.1 * noise
        else:
            value = noise / np.sqrt(max(1, int(np.prod(shape[1:]))))
    return torch.from_numpy(np.asarray(value, dtype=np.float32))


def synthetic_official_state_dict(
        backbone: str,
        num_classes: int,
        seed: int = 0,
        constant: bool = False) -> 'OrderedDict[str, torch.Tensor]':
    """An official-format ``state_dict_backbone`` with made-up values.

    Swin's index buffers get their true values. Other tensors get
    :func:`synthetic_value`, or with ``constant=True`` the value
    ``index + 1`` of the key in :func:`official_key_shapes` broadcast over
    the shape (no memory; shows where each tensor ends up).

    Args:
        backbone (str): Official ``--model`` name.
        num_classes (int): 19 or 11.
        seed (int): See :func:`synthetic_value`. Default: 0.
        constant (bool): Fill with per-key constants. Default: False.

    Returns:
        OrderedDict: Full official key set.
    """
    buffers = _index_buffers(backbone)
    out = OrderedDict()
    for i, (key, shape) in enumerate(
            official_key_shapes(backbone, num_classes).items()):
        buffer = buffers.get(key.rsplit('.', 1)[-1])
        if buffer is not None:
            out[key] = buffer.clone()
        elif key.endswith('num_batches_tracked'):
            out[key] = torch.zeros(shape, dtype=torch.int64)
        elif constant:
            out[key] = torch.tensor(float(i + 1)).expand(shape)
        else:
            out[key] = synthetic_value(key, shape, seed)
    return out


def write_official_file(path: str,
                        backbone: str = 'mobilenet',
                        num_classes: int = 19,
                        seed: int = 1) -> str:
    """Write an official-format ``model_299.pt``: the made-up model under
    ``state_dict_backbone`` plus AdamW and MultiStepLR states, as the
    official training script saves them."""
    import os
    state_dict = synthetic_official_state_dict(backbone, num_classes, seed)
    param = torch.nn.Parameter(torch.zeros(2))
    optimizer = torch.optim.AdamW([param], lr=1e-4, weight_decay=1e-5)
    param.grad = torch.ones(2)
    optimizer.step()
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, [80, 200])
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    torch.save(
        dict(
            epoch=299,
            iteration=226500,
            state_dict_backbone=state_dict,
            optimizer=optimizer.state_dict(),
            scheduler=scheduler.state_dict()), path)
    return path
