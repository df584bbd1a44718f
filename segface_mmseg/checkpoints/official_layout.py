# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The state-dict layout of the official SegFace checkpoints.

The official model (github.com/Kartik-3004/SegFace) wraps a torchvision
backbone and stores its whole ``state_dict()`` as ``state_dict_backbone`` in
``model_299.pt``. This module describes that layout without the official
code: the backbone keys come from torchvision's own models (built on the
``meta`` device, so nothing is allocated) under the official prefixes, the
head keys from the architecture (256 channels, SAM's two-way transformer,
one ``nn.Embedding(1, 256)`` per class).
"""
import functools
import zlib
from collections import OrderedDict
from typing import Dict, Tuple

import numpy as np
import torch

from ..utils.errors import ConversionError  # noqa: F401 (re-exported)

# Official ``--model`` name -> (torchvision builder, tapped channels).
OFFICIAL_BACKBONES = {
    'swin_base': ('swin_b', (128, 256, 512, 1024)),
    'swinv2_base': ('swin_v2_b', (128, 256, 512, 1024)),
    'convnext_base': ('convnext_base', (128, 256, 512, 1024)),
    'mobilenet': ('mobilenet_v3_large', (24, 40, 112, 960)),
    'efficientnet': ('efficientnet_v2_m', (48, 80, 176, 1280)),
    'resnet': ('resnet101', (256, 512, 1024, 2048)),
}

# Class tokens in the order the official decoder concatenates them: row i of
# the plugin's ``class_tokens`` is label id i. The CelebAMask-HQ names 4-9 are
# swapped relative to the labels (``rightear_token`` is label 4, ``l_ear``);
# only this order matters.
CELEBAMASK_HQ_TOKENS = ('background', 'neck', 'face', 'cloth', 'rightear',
                        'leftear', 'rightbro', 'leftbro', 'righteye',
                        'lefteye', 'nose', 'innermouth', 'lowerlip',
                        'upperlip', 'hair', 'glass', 'hat', 'earring',
                        'necklace')
# LaPa and Helen.
LAPA_TOKENS = ('background', 'face', 'leftbro', 'rightbro', 'lefteye',
               'righteye', 'nose', 'upperlip', 'innermouth', 'lowerlip',
               'hair')
TOKEN_ORDERS = {
    len(CELEBAMASK_HQ_TOKENS): CELEBAMASK_HQ_TOKENS,
    len(LAPA_TOKENS): LAPA_TOKENS
}

_DIM = 256  # the official decoder width
_TRANSFORMER_DEPTH = 2
_MLP_DIM = 2048


def torchvision_to_official(
        backbone: str,
        tv_state_dict: Dict) -> 'OrderedDict[str, torch.Tensor]':
    """Rename a torchvision model's state dict as the official backbone.

    The official model keeps ``Sequential(children[:-1])`` of Swin
    (features, final norm), ConvNeXt (features) and ResNet (conv1 ... layer4),
    and the ``features`` of MobileNetV3 / EfficientNetV2, as ``backbone``.
    Classifier keys are dropped.

    Args:
        backbone (str): Official ``--model`` name (see
            :data:`OFFICIAL_BACKBONES`).
        tv_state_dict (dict): ``state_dict()`` of the torchvision model.

    Returns:
        OrderedDict: ``backbone.*`` keys as in ``state_dict_backbone``.
    """
    if backbone not in OFFICIAL_BACKBONES:
        raise KeyError(f'unknown official backbone {backbone!r}; known: '
                       f'{sorted(OFFICIAL_BACKBONES)}')
    if backbone == 'resnet':
        children = {
            'conv1': '0',
            'bn1': '1',
            'layer1': '4',
            'layer2': '5',
            'layer3': '6',
            'layer4': '7'
        }
    elif backbone in ('mobilenet', 'efficientnet'):
        children = {'features': None}
    else:
        children = {'features': '0', 'norm': '1'}
    out = OrderedDict()
    for key, value in tv_state_dict.items():
        head, _, rest = key.partition('.')
        if head not in children:
            continue  # classifier / fc / head
        index = children[head]
        out['backbone.' + (rest if index is None else f'{index}.{rest}')] = \
            value
    return out


def _torchvision_model(backbone: str, device='meta'):
    import torchvision.models as tvm
    builder = getattr(tvm, OFFICIAL_BACKBONES[backbone][0])
    with torch.device(device):
        return builder(weights=None)


def _head_shapes(channels: Tuple[int, ...],
                 num_classes: int) -> 'OrderedDict[str, Tuple[int, ...]]':
    shapes = OrderedDict()
    shapes['pe_layer.positional_encoding_gaussian_matrix'] = (2, _DIM // 2)
    for name in TOKEN_ORDERS[num_classes]:
        shapes[f'face_decoder.{name}_token.weight'] = (1, _DIM)

    def attention(prefix, inner):
        for proj in ('q_proj', 'k_proj', 'v_proj'):
            shapes[f'{prefix}.{proj}.weight'] = (inner, _DIM)
            shapes[f'{prefix}.{proj}.bias'] = (inner, )
        shapes[f'{prefix}.out_proj.weight'] = (_DIM, inner)
        shapes[f'{prefix}.out_proj.bias'] = (_DIM, )

    def norm(prefix, dim=_DIM):
        shapes[f'{prefix}.weight'] = (dim, )
        shapes[f'{prefix}.bias'] = (dim, )

    transformer = 'face_decoder.transformer'
    for i in range(_TRANSFORMER_DEPTH):
        layer = f'{transformer}.layers.{i}'
        attention(f'{layer}.self_attn', _DIM)
        norm(f'{layer}.norm1')
        attention(f'{layer}.cross_attn_token_to_image', _DIM // 2)
        norm(f'{layer}.norm2')
        shapes[f'{layer}.mlp.lin1.weight'] = (_MLP_DIM, _DIM)
        shapes[f'{layer}.mlp.lin1.bias'] = (_MLP_DIM, )
        shapes[f'{layer}.mlp.lin2.weight'] = (_DIM, _MLP_DIM)
        shapes[f'{layer}.mlp.lin2.bias'] = (_DIM, )
        norm(f'{layer}.norm3')
        norm(f'{layer}.norm4')
        attention(f'{layer}.cross_attn_image_to_token', _DIM // 2)
    attention(f'{transformer}.final_attn_token_to_image', _DIM // 2)
    norm(f'{transformer}.norm_final_attn')
    upscaling = 'face_decoder.output_upscaling'
    shapes[f'{upscaling}.0.weight'] = (_DIM, _DIM // 4, 2, 2)
    shapes[f'{upscaling}.0.bias'] = (_DIM // 4, )
    norm(f'{upscaling}.1', _DIM // 4)
    shapes[f'{upscaling}.3.weight'] = (_DIM // 4, _DIM // 8, 2, 2)
    shapes[f'{upscaling}.3.bias'] = (_DIM // 8, )
    mlp = 'face_decoder.output_hypernetwork_mlps.layers'
    for i, (n_out, n_in) in enumerate([(_DIM, _DIM), (_DIM, _DIM),
                                       (_DIM // 8, _DIM)]):
        shapes[f'{mlp}.{i}.weight'] = (n_out, n_in)
        shapes[f'{mlp}.{i}.bias'] = (n_out, )
    for i, c in enumerate(channels):
        shapes[f'linear_c.{i}.proj.weight'] = (_DIM, c)
        shapes[f'linear_c.{i}.proj.bias'] = (_DIM, )
    shapes['linear_fuse.weight'] = (_DIM, _DIM * len(channels), 1, 1)
    return shapes


@functools.lru_cache(maxsize=None)
def _backbone_shapes(backbone: str) -> Tuple[Tuple[str, Tuple[int, ...]]]:
    tv_shapes = {
        k: tuple(v.shape)
        for k, v in _torchvision_model(backbone).state_dict().items()
    }
    return tuple(torchvision_to_official(backbone, tv_shapes).items())


def official_key_shapes(
        backbone: str,
        num_classes: int) -> 'OrderedDict[str, Tuple[int, ...]]':
    """Every key of an official ``state_dict_backbone`` with its shape.

    Args:
        backbone (str): Official ``--model`` name.
        num_classes (int): 19 (CelebAMask-HQ) or 11 (LaPa, Helen).

    Returns:
        OrderedDict[str, tuple]: Backbone keys, then head keys.
    """
    if backbone not in OFFICIAL_BACKBONES:
        raise KeyError(f'unknown official backbone {backbone!r}; known: '
                       f'{sorted(OFFICIAL_BACKBONES)}')
    if num_classes not in TOKEN_ORDERS:
        raise KeyError(f'official checkpoints have 19 or 11 classes, got '
                       f'{num_classes}')
    shapes = OrderedDict(_backbone_shapes(backbone))
    shapes.update(_head_shapes(OFFICIAL_BACKBONES[backbone][1], num_classes))
    return shapes


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
