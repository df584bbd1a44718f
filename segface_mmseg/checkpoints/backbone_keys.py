# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Official (torchvision) backbone keys -> the config backbones' keys.

Pure functions on state dicts, used by :mod:`.segface_keys`. Each official
backbone maps onto one registry backbone:

========================  =====================================================
official ``--model``       plugin backbone
========================  =====================================================
``swin_base``             ``mmpretrain.SwinTransformer`` (``norm_cfg=None``)
``swinv2_base``           ``mmpretrain.SwinTransformerV2`` (window 8)
``convnext_base``         ``ConvNeXtWithoutOutNorms``
``mobilenet``             ``mmpretrain.MobileNetV3`` (large)
``efficientnet``          ``EfficientNetV2SymmetricPad`` (m)
``resnet``                mmseg ``ResNet`` (depth 101)
========================  =====================================================
"""
from collections import OrderedDict
from typing import Dict, Optional

from torch import Tensor

from .official_layout import ConversionError


def unfold_order(x: Tensor) -> Tensor:
    """Reorder Swin patch-merging channels for mmpretrain.

    torchvision concatenates the 2 x 2 neighbours as [x(0,0), x(1,0), x(0,1),
    x(1,1)] ((row, col) offsets) blocks of C channels; mmpretrain's
    ``nn.Unfold`` orders channel c of offset (r, s) at ``c * 4 + 2 * r + s``.
    Applies to the last dimension (``reduction`` columns, norm vectors).
    """
    *lead, channels = x.shape
    x = x.reshape(*lead, 4, channels // 4)[..., [0, 2, 1, 3], :]
    return x.transpose(-1, -2).reshape(*lead, channels)


_PATCH_EMBED = {'0': 'projection', '2': 'norm'}  # conv, permute, LayerNorm
_CONV_BN = {'0': 'conv', '1': 'bn'}

# torchvision Swin block -> mmpretrain SwinBlock(V2) name prefixes
_SWIN_BLOCK = [('attn.qkv.', 'attn.w_msa.qkv.'),
               ('attn.proj.', 'attn.w_msa.proj.'),
               ('attn.relative_position_bias_table',
                'attn.w_msa.relative_position_bias_table'),
               ('attn.relative_position_index',
                'attn.w_msa.relative_position_index'),
               ('attn.logit_scale', 'attn.w_msa.logit_scale'),
               ('attn.cpb_mlp.', 'attn.w_msa.cpb_mlp.'),
               ('mlp.0.', 'ffn.layers.0.0.'), ('mlp.3.', 'ffn.layers.1.'),
               ('norm1.', 'norm1.'), ('norm2.', 'norm2.')]


def _swin_block_key(name: str) -> Optional[str]:
    for old, new in _SWIN_BLOCK:
        if name.startswith(old):
            return new + name[len(old):]
    return None


def _convert_swin(state_dict: Dict, v2: bool) -> Dict:
    out = OrderedDict()
    for key, value in state_dict.items():
        parts = key.split('.')
        if parts[0] == '1':
            continue  # the final LayerNorm, unused by SegFace
        index, rest = int(parts[1]), '.'.join(parts[2:])
        if index == 0:  # patch embedding: conv, permute, LayerNorm
            sub, name = rest.split('.', 1)
            out[f'patch_embed.{_PATCH_EMBED[sub]}.{name}'] = value
        elif index % 2 == 1:  # the blocks of stage (index - 1) / 2
            block, name = rest.split('.', 1)
            prefix = f'stages.{index // 2}.blocks.{block}.'
            if v2 and name in ('attn.relative_coords_table',
                               'attn.relative_position_index'):
                continue  # rebuilt by mmpretrain's SwinTransformerV2
            new = _swin_block_key(name)
            if new is None:
                raise ConversionError(f'unexpected Swin key backbone.{key}')
            if 'relative_position_index' in name:
                side = int(round(value.numel()**0.5))
                value = value.reshape(side, side)
            if v2 and name == 'attn.qkv.bias':
                # torchvision zeroes the key bias; mmpretrain has none
                third = value.shape[0] // 3
                out[prefix + 'attn.w_msa.q_bias'] = value[:third]
                out[prefix + 'attn.w_msa.v_bias'] = value[2 * third:]
                continue
            out[prefix + new] = value
        else:  # patch merging after stage index / 2 - 1
            stage = index // 2 if v2 else index // 2 - 1
            name = rest
            reorder = name.startswith('reduction') or not v2
            out[f'stages.{stage}.downsample.{name}'] = \
                unfold_order(value) if reorder else value
    return out


_CONVNEXT_BLOCK = {
    'block.0.': 'depthwise_conv.',
    'block.2.': 'norm.',
    'block.3.': 'pointwise_conv1.',
    'block.5.': 'pointwise_conv2.'
}


def _convert_convnext(state_dict: Dict) -> Dict:
    out = OrderedDict()
    for key, value in state_dict.items():
        _, index, rest = key.split('.', 2)
        index = int(index)
        if index % 2 == 0:  # stem and downsampling layers
            out[f'downsample_layers.{index // 2}.{rest}'] = value
            continue
        block, name = rest.split('.', 1)
        if name == 'layer_scale':
            out[f'stages.{index // 2}.{block}.gamma'] = value.flatten()
            continue
        for old, new in _CONVNEXT_BLOCK.items():
            if name.startswith(old):
                out[f'stages.{index // 2}.{block}.{new}'
                    f'{name[len(old):]}'] = value
                break
        else:
            raise ConversionError(f'unexpected ConvNeXt key backbone.{key}')
    return out


def _conv_bn(prefix: str, rest: str) -> str:
    """``0.*`` (conv) / ``1.*`` (BN) of a Conv2dNormActivation."""
    sub, name = rest.split('.', 1)
    return f'{prefix}{_CONV_BN[sub]}.{name}'


def _inverted_residual(state_dict: Dict, block_prefix: str,
                       fused: bool) -> Dict[str, str]:
    """Key map of one torchvision (Fused)MBConv / InvertedResidual block.

    ``block.k`` are, in order, an optional expansion, the depthwise conv, an
    optional squeeze-excitation (``fc1``/``fc2``) and the projection;
    FusedMBConv has one or two plain convs.
    """
    keys = [k for k in state_dict if k.startswith(block_prefix + 'block.')]
    subs = sorted({int(k[len(block_prefix) + 6:].split('.')[0]) for k in keys})
    se = {
        s
        for s in subs if f'{block_prefix}block.{s}.fc1.weight' in state_dict
    }
    convs = [s for s in subs if s not in se]
    if fused:
        roles = ['conv1.', 'conv2.'] if len(convs) == 2 else ['']
    else:
        roles = (['expand_conv.'] if len(convs) == 3 else []) + \
            ['depthwise_conv.', 'linear_conv.']
    if len(roles) != len(convs):
        raise ConversionError(f'unexpected block layout at backbone.'
                              f'{block_prefix}: convs {convs}, SE {se}')
    names = {}
    for s, role in zip(convs, roles):
        names[s] = role
    mapping = {}
    for k in keys:
        s, rest = k[len(block_prefix) + 6:].split('.', 1)
        s = int(s)
        if s in se:
            fc, name = rest.split('.', 1)
            mapping[k] = f'se.conv{fc[-1]}.conv.{name}'
        else:
            mapping[k] = _conv_bn(names[s], rest)
    return mapping


def _convert_mobilenet(state_dict: Dict) -> Dict:
    last = max(int(k.split('.')[0]) for k in state_dict)
    out = OrderedDict()
    mapping = {}
    for i in range(1, last):
        for k, new in _inverted_residual(
                state_dict, f'{i}.', fused=False).items():
            mapping[k] = f'layer{i}.{new}'
    for key, value in state_dict.items():
        index, rest = key.split('.', 1)
        if key in mapping:
            out[mapping[key]] = value
        elif index in ('0', str(last)):
            out[_conv_bn(f'layer{index}.', rest)] = value
        else:
            raise ConversionError(f'unexpected MobileNetV3 key backbone.{key}')
    return out


def _convert_efficientnet(state_dict: Dict) -> Dict:
    last = max(int(k.split('.')[0]) for k in state_dict)
    blocks = sorted(
        {tuple(k.split('.')[:2])
         for k in state_dict if '.block.' in k})
    mapping = {}
    for stage, block in blocks:
        prefix = f'{stage}.{block}.'
        fused = f'{prefix}block.2.fc1.weight' not in state_dict
        for k, new in _inverted_residual(state_dict, prefix, fused).items():
            mapping[k] = f'layers.{stage}.{block}.{new}'
    out = OrderedDict()
    for key, value in state_dict.items():
        index, rest = key.split('.', 1)
        if key in mapping:
            out[mapping[key]] = value
        elif index in ('0', str(last)):
            out[_conv_bn(f'layers.{index}.', rest)] = value
        else:
            raise ConversionError(
                f'unexpected EfficientNetV2 key backbone.{key}')
    return out


_RESNET_CHILDREN = {
    '0': 'conv1',
    '1': 'bn1',
    '4': 'layer1',
    '5': 'layer2',
    '6': 'layer3',
    '7': 'layer4'
}


def _convert_resnet(state_dict: Dict) -> Dict:
    out = OrderedDict()
    for key, value in state_dict.items():
        index, rest = key.split('.', 1)
        out[f'{_RESNET_CHILDREN[index]}.{rest}'] = value
    return out


def convert_backbone(state_dict: Dict, backbone: str) -> Dict:
    """Official ``backbone.*`` keys -> plugin backbone keys (no prefix).

    Args:
        state_dict (dict): Official keys; those outside ``backbone.`` are
            ignored.
        backbone (str): Official ``--model`` name.

    Returns:
        OrderedDict: Keys of the plugin backbone module.
    """
    sub = OrderedDict((k[len('backbone.'):], v) for k, v in state_dict.items()
                      if k.startswith('backbone.'))
    converters = {
        'swin_base': lambda d: _convert_swin(d, v2=False),
        'swinv2_base': lambda d: _convert_swin(d, v2=True),
        'convnext_base': _convert_convnext,
        'mobilenet': _convert_mobilenet,
        'efficientnet': _convert_efficientnet,
        'resnet': _convert_resnet,
    }
    if backbone not in converters:
        raise ConversionError(f'unknown backbone {backbone!r}; known: '
                              f'{sorted(converters)}')
    return converters[backbone](sub)
