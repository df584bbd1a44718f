# Copyright (c) segface-mmseg contributors. All rights reserved.
import os.path as osp

import pytest
import torch

from segface_mmseg.apis import build_segmentor
from segface_mmseg.checkpoints import CheckpointError
from tests.helpers.tiny_model import save_checkpoint
from tests.helpers.utils import CONFIG_DIR, build_model, load_config

SWINV2 = osp.join(CONFIG_DIR, 'segface',
                  'segface_swinv2-b_8xb4-300e_celebamask-hq-512x512.py')


def test_loads_weights_and_meta(tiny_config, tmp_path):
    source = build_model(tiny_config)
    path = save_checkpoint(source, tmp_path / 'm.pth')
    model, cfg, meta = build_segmentor(tiny_config, path)
    assert not model.training
    assert meta['classes'][1] == 'neck'
    for name, value in source.state_dict().items():
        torch.testing.assert_close(model.state_dict()[name], value)


def test_checkpoint_that_does_not_fit_is_refused(tiny_config, tmp_path):
    state = build_model(tiny_config).state_dict()
    del state['decode_head.class_tokens.weight']
    state['neck.extra.weight'] = torch.zeros(1)
    path = str(tmp_path / 'bad.pth')
    torch.save(dict(state_dict=state), path)
    with pytest.raises(RuntimeError) as info:
        build_segmentor(tiny_config, path)
    message = str(info.value)
    assert path in message
    assert 'decode_head.class_tokens.weight' in message
    assert 'neck.extra.weight' in message
    with pytest.raises(FileNotFoundError, match='no_such.pth'):
        build_segmentor(tiny_config, str(tmp_path / 'no_such.pth'))


def test_checkpoint_of_another_class_list_is_refused(tiny_config, tmp_path):
    cfg = load_config(tiny_config)
    cfg.model.decode_head.num_classes = 11  # a LaPa / Helen model
    path = save_checkpoint(build_model(cfg), tmp_path / 'lapa.pth')
    with pytest.raises(CheckpointError) as info:
        build_segmentor(tiny_config, path)
    message = str(info.value)
    assert message.startswith(path)
    assert 'keys of another shape' in message
    assert ('decode_head.class_tokens.weight: (11, 256) in the file, '
            '(19, 256) in the model') in message


@pytest.mark.parametrize('content', [b'', b'PK\x03\x04 truncated'])
def test_unreadable_checkpoint_is_named(tiny_config, tmp_path, content):
    path = tmp_path / 'broken.pth'
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match='broken.pth: cannot be loaded'):
        build_segmentor(tiny_config, str(path))


def test_swin_v2_tables_that_mmpretrain_rebuilds_are_not_required(tmp_path):
    # mmpretrain's SwinTransformerV2 drops its index / coordinate tables from
    # every state dict it loads, so a strict load would always fail
    source, _, _ = build_segmentor(SWINV2)
    with torch.no_grad():  # weights no fresh build has
        for param in source.parameters():
            param.add_(0.5)
    path = save_checkpoint(source, tmp_path / 'v2.pth')
    with pytest.raises(RuntimeError, match='relative_coords_table'):
        source.load_state_dict(torch.load(path)['state_dict'], strict=True)
    model, _, _ = build_segmentor(SWINV2, path)
    # every tensor, backbone included, the rebuilt tables equal
    loaded, expected = model.state_dict(), source.state_dict()
    assert loaded.keys() == expected.keys()
    for name, value in expected.items():
        assert torch.equal(loaded[name], value), name
