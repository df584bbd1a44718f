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
from collections import OrderedDict
from typing import Dict, Tuple

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
