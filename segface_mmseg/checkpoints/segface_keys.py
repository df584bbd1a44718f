# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Official SegFace state dict -> this plugin's model state dict.

Pure functions (dict in, dict out, no I/O), used by
``tools/model_converters/segface2mmseg.py``. Backbone keys are mapped by
:mod:`.backbone_keys`; the fusion and decoder keys here.
"""
import re
from collections import OrderedDict
from typing import Dict, List, Optional

import torch

from .backbone_keys import convert_backbone
from .official_layout import (OFFICIAL_BACKBONES, TOKEN_ORDERS,
                              ConversionError, official_key_shapes)

# A key that only one backbone has, for detection.
_BACKBONE_MARKERS = {
    'swin_base': 'backbone.0.1.0.attn.relative_position_bias_table',
    'swinv2_base': 'backbone.0.1.0.attn.logit_scale',
    'convnext_base': 'backbone.0.1.0.layer_scale',
    'mobilenet': 'backbone.1.block.0.0.weight',
    'efficientnet': 'backbone.1.0.block.0.0.weight',
    'resnet': 'backbone.4.0.conv1.weight',
}
_TOKEN_KEY = re.compile(r'^face_decoder\.(\w+)_token\.weight$')
_MAX_LISTED = 20


def _listing(title: str, keys: List[str]) -> str:
    shown = '\n'.join(f'  {k}' for k in keys[:_MAX_LISTED])
    more = len(keys) - _MAX_LISTED
    return f'{title} ({len(keys)}):\n{shown}' + (f'\n  ... and {more} more'
                                                 if more > 0 else '')


def detect_backbone(state_dict: Dict) -> str:
    """The official ``--model`` name of a ``state_dict_backbone``.

    Raises:
        ConversionError: If no backbone, or several, match.
    """
    found = [
        name for name, marker in _BACKBONE_MARKERS.items()
        if marker in state_dict
    ]
    if len(found) != 1:
        raise ConversionError(
            'cannot tell the backbone from the keys (matches: '
            f'{found or "none"}); pass it explicitly, one of '
            f'{sorted(OFFICIAL_BACKBONES)}')
    return found[0]


def detect_num_classes(state_dict: Dict) -> int:
    """19 (CelebAMask-HQ) or 11 (LaPa, Helen), from the token keys.

    Raises:
        ConversionError: If the token names are not an official set.
    """
    names = {
        m.group(1)
        for m in map(_TOKEN_KEY.match, state_dict) if m is not None
    }
    for num_classes, order in TOKEN_ORDERS.items():
        if names == set(order):
            return num_classes
    raise ConversionError(
        f'class tokens {sorted(names)} match neither the CelebAMask-HQ (19) '
        'nor the LaPa/Helen (11) token set')


def check_official_keys(state_dict: Dict, backbone: str,
                        num_classes: int) -> None:
    """Compare keys and shapes with the official layout.

    Raises:
        ConversionError: Listing unknown keys, missing keys and shape
            mismatches.
    """
    expected = official_key_shapes(backbone, num_classes)
    unknown = [k for k in state_dict if k not in expected]
    missing = [k for k in expected if k not in state_dict]
    wrong = [
        f'{k}: {tuple(state_dict[k].shape)}, expected {expected[k]}'
        for k in expected
        if k in state_dict and tuple(state_dict[k].shape) != expected[k]
    ]
    problems = [(t, keys) for t, keys in (('unknown keys',
                                           unknown), ('missing keys', missing),
                                          ('wrong shapes', wrong)) if keys]
    if problems:
        raise ConversionError(
            f'not an official SegFace {backbone} checkpoint with '
            f'{num_classes} classes:\n' +
            '\n'.join(_listing(t, keys) for t, keys in problems))


def convert_head(state_dict: Dict, num_classes: int) -> Dict:
    """Official fusion/decoder keys -> plugin ``neck.*`` and
    ``decode_head.*`` keys.

    The per-class ``nn.Embedding(1, 256)`` tokens are stacked by the
    official concatenation order (:data:`TOKEN_ORDERS`), i.e. by label id,
    not by name. The positional-encoding buffer is kept as is.
    """
    out = OrderedDict()
    out['decode_head.pe_layer.positional_encoding_gaussian_matrix'] = \
        state_dict['pe_layer.positional_encoding_gaussian_matrix']
    out['decode_head.class_tokens.weight'] = torch.cat([
        state_dict[f'face_decoder.{name}_token.weight']
        for name in TOKEN_ORDERS[num_classes]
    ])
    renames = [('linear_c.', 'neck.level_projs.'),
               ('linear_fuse.', 'neck.fuse_conv.'),
               ('face_decoder.transformer.', 'decode_head.transformer.'),
               ('face_decoder.output_upscaling.',
                'decode_head.output_upscaling.'),
               ('face_decoder.output_hypernetwork_mlps.',
                'decode_head.output_hypernetwork_mlp.')]
    for key, value in state_dict.items():
        for old, new in renames:
            if key.startswith(old):
                rest = key[len(old):]
                if old == 'linear_c.':
                    rest = rest.replace('.proj.', '.')
                out[new + rest] = value
                break
    return out


def convert_segface_state_dict(state_dict: Dict,
                               backbone: Optional[str] = None) -> Dict:
    """Convert an official ``state_dict_backbone`` to a plugin state dict.

    Args:
        state_dict (dict): ``checkpoint['state_dict_backbone']`` of an
            official ``model_299.pt`` (a ``module.`` prefix on every key is
            tolerated).
        backbone (str, optional): Official ``--model`` name; detected from
            the keys when None.

    Returns:
        OrderedDict: ``backbone.*``, ``neck.*`` and ``decode_head.*`` keys of
        the matching config's model.

    Raises:
        ConversionError: Unknown, missing or mis-shaped keys (listed), or a
            backbone that does not match the keys.
    """
    if state_dict and all(k.startswith('module.') for k in state_dict):
        state_dict = OrderedDict(
            (k[len('module.'):], v) for k, v in state_dict.items())
    num_classes = detect_num_classes(state_dict)
    if backbone is None:
        backbone = detect_backbone(state_dict)
    elif backbone not in OFFICIAL_BACKBONES:
        raise ConversionError(f'unknown backbone {backbone!r}; known: '
                              f'{sorted(OFFICIAL_BACKBONES)}')
    check_official_keys(state_dict, backbone, num_classes)
    out = OrderedDict(
        ('backbone.' + k, v)
        for k, v in convert_backbone(state_dict, backbone).items())
    out.update(convert_head(state_dict, num_classes))
    return out
