# Copyright (c) segface-mmseg contributors. All rights reserved.
"""tools/model_converters/segface2mmseg.py: official ``model_299.pt`` files
(synthetic weights, real optimizer and scheduler states) converted to
checkpoints mmseg loads; bad files refused by name. The key conversion
itself is tested in tests/test_checkpoints/test_segface_keys.py."""
import os
import os.path as osp

import pytest
import torch
from mmseg.apis import init_model

from segface_mmseg.checkpoints import (ConversionError, convert_official_file,
                                       convert_segface_state_dict)
from segface_mmseg.checkpoints.releases import RELEASES
from segface_mmseg.classes import CELEBAMASK_HQ_CLASSES, LAPA_CLASSES
from tests.helpers.official_weights import (synthetic_official_state_dict,
                                            write_official_file)
from tests.helpers.utils import load_config, load_script

MOBILENET_CONFIG = RELEASES['mobilenet_celeba_512'].config


def _tool():
    return load_script('tools', 'model_converters', 'segface2mmseg.py')


def test_tool_writes_a_checkpoint_mmseg_loads(tmp_path):
    src = str(tmp_path / 'mobilenet_celeba_512' / 'model_299.pt')
    write_official_file(src)
    official = synthetic_official_state_dict('mobilenet', 19, seed=1)
    dst = str(tmp_path / 'out' / 'segface_mobilenet.pth')
    _tool().main([src, dst])

    ckpt = torch.load(dst, map_location='cpu', weights_only=True)
    assert set(ckpt) == {'state_dict', 'meta'}
    meta = ckpt['meta']
    assert tuple(meta['dataset_meta']['classes']) == CELEBAMASK_HQ_CLASSES
    assert len(meta['dataset_meta']['palette']) == 19
    assert meta['segface']['release'] == 'mobilenet_celeba_512'
    assert meta['segface']['config'] == MOBILENET_CONFIG
    assert os.listdir(osp.dirname(dst)) == ['segface_mobilenet.pth']
    # readable as any new file is (mkstemp would make it 0600)
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(dst).st_mode & 0o777 == 0o666 & ~umask

    config = load_config(MOBILENET_CONFIG)
    model = init_model(config, dst, device='cpu')
    assert tuple(model.dataset_meta['classes']) == CELEBAMASK_HQ_CLASSES
    expected = convert_segface_state_dict(official)
    for key, value in model.state_dict().items():
        torch.testing.assert_close(value, expected[key], msg=key)


def test_tool_lapa_meta_and_explicit_release(tmp_path):
    src = str(tmp_path / 'downloads' / 'model_299.pt')
    write_official_file(src, 'mobilenet', 11)
    dst = str(tmp_path / 'r.pth')
    with pytest.raises(ConversionError, match='swin_base with 11 classes'):
        convert_official_file(src, dst, release='swinb_lapa_512')
    assert not osp.exists(dst)
    meta = convert_official_file(src, dst)  # no release: still converts
    assert meta['segface']['release'] is None
    assert tuple(meta['dataset_meta']['classes']) == LAPA_CLASSES


def test_tool_rejects_bad_files_by_name(tmp_path):
    tool = _tool()
    bad = tmp_path / 'model_299.pt'
    bad.write_bytes(b'not a checkpoint')
    dst = str(tmp_path / 'out.pth')
    with pytest.raises(
            ConversionError, match='model_299.pt: cannot be '
            'loaded'):
        convert_official_file(str(bad), dst)
    torch.save({'state_dict': {}}, str(bad))
    with pytest.raises(
            ConversionError,
            match='model_299.pt: not an '
            'official SegFace checkpoint'):
        convert_official_file(str(bad), dst)
    with pytest.raises(ConversionError, match='no such file'):
        convert_official_file(str(tmp_path / 'missing.pt'), dst)
    with pytest.raises(SystemExit, match='error: .*model_299.pt'):
        tool.main([str(bad), dst])
    assert sorted(os.listdir(tmp_path)) == ['model_299.pt']


def test_tool_refuses_to_overwrite_its_source(tmp_path):
    src = tmp_path / 'mobilenet_celeba_512' / 'model_299.pt'
    write_official_file(str(src))
    before = src.read_bytes()
    for dst in (src, tmp_path / 'mobilenet_celeba_512' / '.' / 'model_299.pt'):
        with pytest.raises(SystemExit, match='is the source checkpoint'):
            _tool().main([str(src), str(dst)])
    assert src.read_bytes() == before
    assert os.listdir(src.parent) == ['model_299.pt']
