# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Official checkpoints -> mmseg keys (segface_mmseg.checkpoints), on
synthetic official state dicts.

The official key sets come from torchvision's models (``weights=None``)
under the official prefixes plus the head keys; values are per-key
constants, so every converted tensor tells which official tensor it came
from.
"""
import collections

import pytest
import torch
from mmengine.registry import init_default_scope
from mmpretrain.models.backbones.swin_transformer import \
    PatchMerging as MMPatchMerging
from mmseg.registry import MODELS
from torchvision.models.swin_transformer import PatchMerging as TVPatchMerging

from segface_mmseg.checkpoints import (ConversionError,
                                       convert_segface_state_dict,
                                       unfold_order)
from segface_mmseg.checkpoints.official_layout import (CELEBAMASK_HQ_TOKENS,
                                                       LAPA_TOKENS,
                                                       official_key_shapes)
from segface_mmseg.checkpoints.releases import RELEASES
from segface_mmseg.checkpoints.segface_keys import (detect_backbone,
                                                    detect_num_classes)
from tests.helpers.official_weights import synthetic_official_state_dict
from tests.helpers.utils import load_config

# Key counts of the official model's state dict, measured on the official
# code (19 classes; the 11-class models have 8 token keys fewer).
OFFICIAL_KEY_COUNTS = {
    'swin_base': 474,
    'swinv2_base': 570,
    'convnext_base': 463,
    'mobilenet': 431,
    'efficientnet': 1241,
    'resnet': 747,
}
CELEB_CONFIG = {
    r.backbone: r.config
    for r in RELEASES.values() if r.dataset == 'CelebAMask-HQ'
}
CASES = [(b, 19) for b in sorted(OFFICIAL_KEY_COUNTS)] + [('swin_base', 11)]


def _config(backbone, num_classes):
    cfg = load_config(CELEB_CONFIG[backbone])
    cfg.model.decode_head.num_classes = num_classes
    return cfg


@pytest.mark.parametrize('backbone,num_classes', CASES)
def test_official_key_counts(backbone, num_classes):
    shapes = official_key_shapes(backbone, num_classes)
    assert len(shapes) == OFFICIAL_KEY_COUNTS[backbone] - (19 - num_classes)


@pytest.mark.parametrize('backbone,num_classes', CASES)
def test_converts_every_key_once_into_the_config_model(backbone, num_classes):
    official = synthetic_official_state_dict(
        backbone, num_classes, constant=True)
    assert detect_backbone(official) == backbone
    assert detect_num_classes(official) == num_classes
    converted = convert_segface_state_dict(official)

    # every key of the config's model is filled, with its shape
    init_default_scope('mmseg')
    model = MODELS.build(_config(backbone, num_classes).model)
    own = model.state_dict()
    rebuilt = {  # buffers mmpretrain's SwinTransformerV2 always re-creates
        k
        for k in own if backbone == 'swinv2_base' and (
            'relative_position_index' in k or 'relative_coords_table' in k)
    }
    assert set(converted) == set(own) - rebuilt
    for key, value in converted.items():
        assert value.shape == own[key].shape, key
    if backbone == 'swin_base':  # the index buffer: same values, 2-D
        for key in converted:
            if key.endswith('relative_position_index'):
                assert torch.equal(converted[key], own[key]), key
    model.load_state_dict(converted, strict=not rebuilt)

    # each official float tensor lands once (V2's qkv bias: q and v parts)
    names = list(official)
    uses = collections.Counter()
    for key, value in converted.items():
        if key == 'decode_head.class_tokens.weight':
            uses.update(names[int(v) - 1] for v in value[:, 0])
        elif value.is_floating_point():
            first = value[(0, ) * value.dim()]
            # still a broadcast constant, or a copy holding one value
            assert all(s == 0 for s in value.stride()) or \
                torch.all(value == first), f'{key} mixes sources'
            uses[names[int(first) - 1]] += 1
    floats = [
        k for k in names if official[k].is_floating_point() and not k.endswith(
            ('relative_position_index', 'relative_coords_table'))
    ]
    dropped = {
        k
        for k in floats if k.startswith('backbone.') and backbone in (
            'swin_base', 'swinv2_base') and k.split('.')[1] == '1'
    }  # Swin's unused final norm
    assert set(uses) == set(floats) - dropped
    doubled = {k for k, n in uses.items() if n != 1}
    assert doubled == ({k
                        for k in floats if k.endswith('attn.qkv.bias')}
                       if backbone == 'swinv2_base' else set())


@pytest.mark.parametrize('num_classes,order,pairs', [
    (19, CELEBAMASK_HQ_TOKENS, [(4, 'rightear'), (5, 'leftear'),
                                (9, 'lefteye'), (12, 'lowerlip'),
                                (18, 'necklace')]),
    (11, LAPA_TOKENS, [(1, 'face'), (2, 'leftbro'), (7, 'upperlip'),
                       (9, 'lowerlip'), (10, 'hair')]),
])
def test_class_tokens_stacked_by_label_id(num_classes, order, pairs):
    official = synthetic_official_state_dict(
        'mobilenet', num_classes, constant=True)
    # make each token row distinct and recognisable
    for i, name in enumerate(order):
        official[f'face_decoder.{name}_token.weight'] = torch.full((1, 256),
                                                                   1000.0 + i)
    tokens = convert_segface_state_dict(
        official)['decode_head.class_tokens.weight']
    assert tokens.shape == (num_classes, 256)
    # official concat order as in the official decoder (label id = row),
    # names 4-9 of CelebAMask-HQ swapped relative to the labels
    for row, name in pairs:
        assert tokens[row, 0] == 1000.0 + order.index(name)
        assert order[row] == name


def test_positional_encoding_buffer_is_kept():
    official = synthetic_official_state_dict('mobilenet', 19, seed=3)
    converted = convert_segface_state_dict(official)
    key = 'pe_layer.positional_encoding_gaussian_matrix'
    assert torch.equal(converted['decode_head.' + key], official[key])


def test_unfold_order_matches_patch_merging():
    # torchvision's PatchMerging vs mmpretrain's on the same weights
    torch.manual_seed(0)
    channels = 8
    tv = TVPatchMerging(channels)
    mm = MMPatchMerging(channels, 2 * channels)
    with torch.no_grad():
        tv.norm.weight.uniform_(0.5, 1.5)
        tv.norm.bias.normal_()
    mm.load_state_dict({
        'norm.weight':
        unfold_order(tv.norm.weight.detach()),
        'norm.bias':
        unfold_order(tv.norm.bias.detach()),
        'reduction.weight':
        unfold_order(tv.reduction.weight.detach())
    })
    x = torch.randn(2, 6, 4, channels)  # B x H x W x C
    with torch.no_grad():
        expected = tv(x).flatten(1, 2)
        out, size = mm(x.flatten(1, 2), (6, 4))
    assert size == (3, 2)
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------ bad inputs
def test_unknown_and_missing_keys_are_listed():
    official = synthetic_official_state_dict('mobilenet', 19, constant=True)
    official['backbone.99.weight'] = torch.zeros(1)
    del official['linear_fuse.weight']
    with pytest.raises(ConversionError) as info:
        convert_segface_state_dict(official)
    message = str(info.value)
    assert 'unknown keys (1)' in message and 'backbone.99.weight' in message
    assert 'missing keys (1)' in message and 'linear_fuse.weight' in message


def test_wrong_shape_is_listed():
    official = synthetic_official_state_dict('resnet', 11, constant=True)
    official['linear_c.0.proj.weight'] = torch.zeros(256, 3)
    with pytest.raises(
            ConversionError,
            match=r'linear_c\.0\.proj\.weight: '
            r'\(256, 3\), expected \(256, 256\)'):
        convert_segface_state_dict(official)


def test_wrong_backbone_argument_is_refused():
    official = synthetic_official_state_dict('mobilenet', 19, constant=True)
    with pytest.raises(
            ConversionError,
            match='not an official SegFace '
            'efficientnet checkpoint'):
        convert_segface_state_dict(official, backbone='efficientnet')
    with pytest.raises(ConversionError, match='unknown backbone'):
        convert_segface_state_dict(official, backbone='vgg')


def test_undetectable_backbone_and_classes():
    official = synthetic_official_state_dict('mobilenet', 19, constant=True)
    head_only = {
        k: v
        for k, v in official.items() if not k.startswith('backbone.')
    }
    with pytest.raises(ConversionError, match='cannot tell the backbone'):
        detect_backbone(head_only)
    del official['face_decoder.hat_token.weight']
    with pytest.raises(ConversionError, match='match neither'):
        convert_segface_state_dict(official)


def test_module_prefix_is_tolerated():
    official = synthetic_official_state_dict('resnet', 11, constant=True)
    plain = convert_segface_state_dict(official)
    prefixed = convert_segface_state_dict(
        {'module.' + k: v
         for k, v in official.items()})
    assert list(plain) == list(prefixed)
