# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The config backbones reproduce the official (torchvision) taps.

Each torchvision model is built with ``weights=None`` and a fixed seed, its
norms, BN statistics, layer and logit scales randomised (so identities
cannot hide a wrong mapping), converted with the checkpoint converter and
loaded into the backbone of the matching config. The four stage outputs the
official model taps with forward hooks are compared with the plugin
backbone's outputs.
"""
import math

import pytest
import torch
import torch.nn as nn
import torchvision.models as tvm
from mmseg.registry import MODELS

from segface_mmseg.checkpoints import convert_backbone, torchvision_to_official
from segface_mmseg.checkpoints.releases import RELEASES
from tests.helpers.utils import load_config

# official --model: torchvision builder, tapped submodules (as the official
# hooks name them inside torchvision's model), input (h, w). Swin-B at 224
# has a 7 x 7 stage 4 (window 7: no shift), Swin-V2-B at 256 an 8 x 8 one
# (window 8); the CNNs run at a small non-square size.
SMALL = (64, 96)
STAGES = [f'features.{i}' for i in (1, 3, 5, 7)]
CASES = {
    'swin_base': ('swin_b', STAGES, (224, 224)),
    'swinv2_base': ('swin_v2_b', STAGES, (256, 256)),
    'convnext_base': ('convnext_base', STAGES, SMALL),
    'mobilenet':
    ('mobilenet_v3_large', [f'features.{i}' for i in (3, 6, 12, 16)], SMALL),
    'efficientnet':
    ('efficientnet_v2_m', [f'features.{i}' for i in (2, 3, 5, 8)], SMALL),
    'resnet': ('resnet101', [f'layer{i}' for i in (1, 2, 3, 4)], SMALL),
}
CONFIGS = {
    r.backbone: r.config
    for r in RELEASES.values() if r.dataset == 'CelebAMask-HQ'
}


def _randomise(model, gen):
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.normal_(0, 0.1, generator=gen)
                module.running_var.uniform_(0.5, 1.5, generator=gen)
            if isinstance(module, (nn.BatchNorm2d, nn.LayerNorm)):
                module.weight.normal_(1, 0.1, generator=gen)
                module.bias.normal_(0, 0.1, generator=gen)
        for name, param in model.named_parameters():
            if name.endswith('layer_scale'):
                param.uniform_(0.05, 0.2, generator=gen)
            elif name.endswith('logit_scale'):
                param.normal_(math.log(10), 0.1, generator=gen)
            elif name.endswith(('qkv.bias', 'relative_position_bias_table')):
                param.normal_(0, 0.1, generator=gen)


def _taps(model, names, x):
    """Outputs of the named submodules, NHWC ones (Swin) as NCHW."""
    outs = []
    hooks = [
        model.get_submodule(name).register_forward_hook(
            lambda m, i, o: outs.append(o)) for name in names
    ]
    model(x)
    for hook in hooks:
        hook.remove()
    if isinstance(model, tvm.SwinTransformer):
        outs = [o.permute(0, 3, 1, 2) for o in outs]
    return outs


@pytest.mark.parametrize('backbone', sorted(CASES))
def test_backbone_matches_torchvision_taps(backbone):
    builder, tap_names, size = CASES[backbone]
    torch.manual_seed(0)
    reference = getattr(tvm, builder)(weights=None).eval()
    gen = torch.Generator().manual_seed(1)
    _randomise(reference, gen)

    official = torchvision_to_official(backbone, reference.state_dict())
    cfg = load_config(CONFIGS[backbone])
    plugin = MODELS.build(cfg.model.backbone)
    plugin.eval()
    missing, unexpected = plugin.load_state_dict(
        convert_backbone(official, backbone), strict=False)
    assert not unexpected
    assert all('relative_coords_table' in k or 'relative_position_index' in k
               for k in missing), missing
    assert backbone == 'swinv2_base' or not missing

    x = torch.randn(1, 3, *size, generator=gen)
    with torch.no_grad():
        expected = _taps(reference, tap_names, x)
        outs = plugin(x)
    assert len(outs) == 4
    for i, (out, ref) in enumerate(zip(outs, expected)):
        assert out.shape == ref.shape, i
        scale = ref.abs().max().item()
        assert scale > 1e-2  # not a degenerate comparison
        diff = (out - ref).abs().max().item()
        assert diff <= 2e-5 * max(1.0, scale), \
            f'stage {i}: max abs diff {diff:.3g} at scale {scale:.3g}'
