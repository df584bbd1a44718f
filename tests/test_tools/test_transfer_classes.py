# Copyright (c) segface-mmseg contributors. All rights reserved.
"""tools/model_converters/transfer_classes.py as a user runs it (once as a
command, then in-process)."""
import os

import pytest
import torch

from segface_mmseg.checkpoints import load_weights
from segface_mmseg.checkpoints.class_transfer import CLASS_TOKENS_KEY
from segface_mmseg.classes import (CELEBAMASK_HQ_CLASSES, LAPA_CLASSES,
                                   write_classes_file)
from tests.helpers.official_weights import write_official_file
from tests.helpers.utils import (build_model, load_config, load_script,
                                 run_script, tool)

MOBILENET = 'segface/segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py'
MERGED = ('background', 'skin', 'eyes', 'mouth', 'teeth')
TRANSFER = tool('tools', 'model_converters', 'transfer_classes.py')


def _tool():
    return load_script('tools', 'model_converters', 'transfer_classes.py')


def _model(num_classes):
    cfg = load_config(MOBILENET)
    cfg.model.decode_head.num_classes = num_classes
    return build_model(cfg)


@pytest.fixture(scope='module')
def source(tmp_path_factory):
    path = tmp_path_factory.mktemp('source') / 'demo.pth'
    torch.manual_seed(2)
    state_dict = _model(19).state_dict()
    torch.save(
        dict(
            state_dict=state_dict,
            meta=dict(dataset_meta=dict(classes=CELEBAMASK_HQ_CLASSES))),
        str(path))
    return str(path), state_dict


def test_writes_a_checkpoint_that_loads_strictly(source, tmp_path):
    path, state_dict = source
    classes_file = str(tmp_path / 'classes.json')
    write_classes_file(classes_file, MERGED)
    out = str(tmp_path / 'merged.pth')
    code, log = run_script(TRANSFER + [
        path, out, '--classes-file', classes_file, '--map', 'eyes=l_eye+r_eye',
        '--new', 'teeth'
    ])
    assert code == 0, log
    assert '  2 eyes <- l_eye + r_eye (mean)' in log
    meta = load_weights(_model(len(MERGED)), out)  # strict: raises if unfit
    assert meta['dataset_meta']['classes'] == MERGED
    assert len(meta['dataset_meta']['palette']) == len(MERGED)
    tokens = torch.load(out, weights_only=True)['state_dict'][CLASS_TOKENS_KEY]
    src = state_dict[CLASS_TOKENS_KEY]
    assert torch.equal(tokens[1], src[2]) and torch.equal(tokens[3], src[11])
    torch.testing.assert_close(tokens[2], (src[8] + src[9]) / 2)


def test_preset_celebamask_hq_to_lapa(source, tmp_path):
    path, state_dict = source
    out = str(tmp_path / 'lapa.pth')
    _tool().main([path, out, '--preset', 'celebamask_hq-to-lapa'])
    meta = load_weights(_model(11), out)
    assert meta['dataset_meta']['classes'] == LAPA_CLASSES
    tokens = torch.load(out, weights_only=True)['state_dict'][CLASS_TOKENS_KEY]
    # LaPa u_lip (7) and l_lip (9) are CelebAMask-HQ 13 and 12
    assert torch.equal(tokens[7], state_dict[CLASS_TOKENS_KEY][13])
    assert torch.equal(tokens[9], state_dict[CLASS_TOKENS_KEY][12])


def test_an_official_model_299_file_is_converted_first(tmp_path):
    src = write_official_file(
        str(tmp_path / 'mobilenet_celeba_512' / 'model_299.pt'))
    out = str(tmp_path / 'lapa.pth')
    _tool().main([src, out, '--preset', 'celebamask_hq-to-lapa'])
    meta = load_weights(_model(11), out)
    assert meta['dataset_meta']['classes'] == LAPA_CLASSES
    # LaPa l_brow (2) is the official CelebAMask-HQ decoder's
    # rightbro_token (label 6, l_brow)
    official = torch.load(src, weights_only=True)['state_dict_backbone']
    tokens = torch.load(out, weights_only=True)['state_dict'][CLASS_TOKENS_KEY]
    assert torch.equal(tokens[2],
                       official['face_decoder.rightbro_token.weight'][0])


@pytest.mark.parametrize('args, message', [
    (['--classes', 'background', 'teeth'], "'teeth' has no source"),
    (['--classes', 'background', 'eyes', '--map', 'eyes=l_eye+leye'
      ], "mapped from ['leye']"),
    (['--classes', 'background', '--map', 'eyes'], "--map 'eyes'"),
    (['--preset', 'lapa-to-celebamask_hq'], 'is for a checkpoint'),
])
def test_bad_mappings_exit_with_the_reason(source, tmp_path, args, message):
    path, _ = source
    with pytest.raises(SystemExit) as error:
        _tool().main([path, str(tmp_path / 'out.pth')] + args)
    assert str(error.value).startswith('error: ' + path)
    assert message in str(error.value)
    assert os.listdir(tmp_path) == []


def test_refuses_to_overwrite_its_source(source, tmp_path):
    path, _ = source
    before = open(path, 'rb').read()
    with pytest.raises(SystemExit, match='is the source checkpoint'):
        _tool().main([path, path, '--preset', 'celebamask_hq-to-lapa'])
    assert open(path, 'rb').read() == before
