# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The package's official layout, its converter and the made-up official
files against the key lists frozen from the official code
(``tests/official_keys.py``)."""
import collections

import pytest
import torch
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from segface_mmseg.checkpoints import (RELEASES, convert_segface_state_dict,
                                       detect_backbone, detect_num_classes,
                                       official_key_shapes)
from tests.helpers.official_keys import (frozen_architecture,
                                         frozen_key_shapes,
                                         frozen_official_keys,
                                         frozen_official_state_dict)
from tests.helpers.official_weights import (synthetic_official_state_dict,
                                            write_official_file)
from tests.helpers.utils import load_config

OFFICIAL_CLASS = {
    'CelebAMask-HQ': 'SegFaceCeleb',
    'LaPa': 'SegFaceLapa',
    'Helen': 'SegFaceHelen'
}
# one release per distinct frozen architecture
ARCHITECTURES = {
    name: arch['releases'][0]
    for name, arch in frozen_official_keys()['architectures'].items()
}


def test_frozen_lists_cover_every_release_once():
    frozen = frozen_official_keys()
    listed = [
        r for arch in frozen['architectures'].values()
        for r in arch['releases']
    ]
    assert sorted(listed) == sorted(RELEASES) and len(RELEASES) == 14
    for name, release in RELEASES.items():
        arch = frozen_architecture(name)
        assert arch['model'] == release.backbone, name
        assert arch['num_classes'] == release.num_classes, name
        assert OFFICIAL_CLASS[release.dataset] in arch['official_classes']
    # the parameter counts of SEGFACE_SPEC.md section 2.1
    counts = {
        n: a['num_parameters']
        for n, a in frozen['architectures'].items()
    }
    assert counts['swin_base-19classes'] == 91_007_800
    assert counts['swin_base-11classes'] == 91_005_752
    assert counts['mobilenet-19classes'] == 7_035_824


@pytest.mark.parametrize('release', sorted(ARCHITECTURES.values()))
def test_package_layout_table_is_the_official_one(release):
    frozen = frozen_key_shapes(release)
    arch = frozen_architecture(release)
    table = official_key_shapes(arch['model'], arch['num_classes'])
    assert {k: tuple(s) for k, s in table.items()} == \
        {k: shape for k, (shape, _) in frozen.items()}
    # the backbone keys also in the official order (the head's order
    # differs: the official decoder registers its transformer first)
    backbone = [k for k in frozen if k.startswith('backbone.')]
    assert [k for k in table if k.startswith('backbone.')] == backbone


@pytest.mark.parametrize('release', sorted(ARCHITECTURES.values()))
def test_made_up_state_dicts_have_the_official_keys(release):
    arch = frozen_architecture(release)
    made_up = synthetic_official_state_dict(
        arch['model'], arch['num_classes'], constant=True)
    assert {
        k: (tuple(v.shape), str(v.dtype)[len('torch.'):])
        for k, v in made_up.items()
    } == dict(frozen_key_shapes(release))
    frozen = frozen_official_state_dict(release)
    for key, value in made_up.items():  # Swin's index buffers: true values
        if not value.is_floating_point() or 'relative_coords' in key:
            assert torch.equal(value, frozen[key]), key


def test_made_up_file_has_the_official_keys(tmp_path):
    path = write_official_file(str(tmp_path / 'model_299.pt'), 'mobilenet')
    state_dict = torch.load(path, weights_only=True)['state_dict_backbone']
    assert {k: (tuple(v.shape), str(v.dtype)[len('torch.'):])
            for k, v in state_dict.items()} == \
        dict(frozen_key_shapes('mobilenet_celeba_512'))


def _dropped_and_doubled(model, floats):
    """Official float keys the converter leaves out or uses twice."""
    swin = model in ('swin_base', 'swinv2_base')
    # Swin's final LayerNorm (``backbone.1``): the official model never uses
    # it
    # uses it; Swin-V2's index/coordinate buffers are rebuilt by mmpretrain
    dropped = {k for k in floats if swin and k.startswith('backbone.1.')}
    # Swin-V2's qkv bias feeds the q and v biases (the k third is zero)
    doubled = {
        k
        for k in floats
        if model == 'swinv2_base' and k.endswith('attn.qkv.bias')
    }
    return dropped, doubled


@pytest.mark.parametrize('release', [
    r if r in ARCHITECTURES.values() else pytest.param(
        r, marks=pytest.mark.slow) for r in sorted(RELEASES)
])
def test_frozen_keys_convert_into_the_release_config_model(release):
    arch = frozen_architecture(release)
    official = frozen_official_state_dict(release)
    assert detect_backbone(official) == arch['model']
    assert detect_num_classes(official) == arch['num_classes']
    converted = convert_segface_state_dict(official)

    init_default_scope('mmseg')
    model = MODELS.build(load_config(RELEASES[release].config).model)
    own = model.state_dict()
    rebuilt = {  # buffers mmpretrain's SwinTransformerV2 always re-creates
        k
        for k in own if arch['model'] == 'swinv2_base' and (
            'relative_position_index' in k or 'relative_coords_table' in k)
    }
    assert set(converted) == set(own) - rebuilt
    for key, value in converted.items():
        assert value.shape == own[key].shape, key
    result = model.load_state_dict(converted, strict=False)
    assert set(result.missing_keys) == rebuilt
    assert not result.unexpected_keys

    # every frozen float tensor lands exactly once (tokens: one row each)
    names = list(official)
    uses = collections.Counter()
    for key, value in converted.items():
        if key == 'decode_head.class_tokens.weight':
            uses.update(names[int(v) - 1] for v in value[:, 0])
        elif value.is_floating_point():
            first = value[(0, ) * value.dim()]
            assert torch.all(value == first), f'{key} mixes sources'
            uses[names[int(first) - 1]] += 1
    floats = {
        k
        for k, v in official.items()
        if v.is_floating_point() and 'relative_coords_table' not in k
    }
    dropped, doubled = _dropped_and_doubled(arch['model'], floats)
    assert set(uses) == floats - dropped
    assert {k for k, n in uses.items() if n != 1} == doubled
