# Copyright (c) segface-mmseg contributors. All rights reserved.
"""tools/deployment/pytorch2onnx.py: export a small model, check it with
onnxruntime against an independently loaded PyTorch model."""
import json
import os
import os.path as osp

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch

from segface_mmseg.classes import CELEBAMASK_HQ_CLASSES
from tests.helpers.tiny_model import SIZE, save_checkpoint, write_tiny_config
from tests.helpers.utils import build_model, load_script


@pytest.fixture(scope='module')
def tiny_config(tmp_path_factory):
    return write_tiny_config(tmp_path_factory.mktemp('cfg'))


def _tool():
    return load_script('tools', 'deployment', 'pytorch2onnx.py')


@pytest.fixture(scope='module')
def exported(tmp_path_factory, tiny_config):
    """A 64 x 64 MobileNetV3 model with dynamic batch and spatial size."""
    folder = tmp_path_factory.mktemp('onnx')
    torch.manual_seed(3)
    ckpt = save_checkpoint(build_model(tiny_config), folder / 'model.pth')
    out = folder / 'segface.onnx'
    code = _tool().main([
        tiny_config, ckpt, '--output-file',
        str(out), '--dynamic-shape', '--verify-batch', '2'
    ])
    return code, str(out), ckpt


def test_export_succeeds_and_leaves_only_the_onnx_file(exported):
    code, out, _ = exported
    assert code == 0
    assert sorted(os.listdir(
        osp.dirname(out))) == ['model.pth', 'segface.onnx']


def test_onnxruntime_matches_pytorch(exported, tiny_config):
    _, out, ckpt = exported
    model = build_model(tiny_config)
    model.load_state_dict(torch.load(ckpt)['state_dict'])
    model.eval()
    session = ort.InferenceSession(out, providers=['CPUExecutionProvider'])
    # batch 3 and 96 x 64: both differ from the traced 1 x 64 x 64
    rgb = torch.randint(0, 256, (3, 3, 96, SIZE)).float()
    logits = session.run(None, {'input': rgb.numpy()})[0]
    # PyTorch the mmseg way: BGR input through the data preprocessor
    with torch.no_grad():
        data = model.data_preprocessor(dict(inputs=list(rgb.flip(1))), False)
        expected = model(data['inputs'], mode='tensor').numpy()
    assert logits.shape == (3, 19, 96, SIZE)
    assert np.abs(logits - expected).max() <= 1e-3
    assert (logits.argmax(1) == expected.argmax(1)).mean() > 0.999


def test_dynamic_graph_returns_logits_of_the_input_size(exported, tiny_config):
    """A size that is no multiple of 32: padded inside the graph, logits
    cropped back to the input size."""
    _, out, ckpt = exported
    model = build_model(tiny_config)
    model.load_state_dict(torch.load(ckpt)['state_dict'])
    model.eval()
    session = ort.InferenceSession(out, providers=['CPUExecutionProvider'])
    rgb = torch.randint(0, 256, (2, 3, 70, 50)).float()
    logits = session.run(None, {'input': rgb.numpy()})[0]
    assert logits.shape == (2, 19, 70, 50)
    pre = model.data_preprocessor
    x = (rgb - pre.mean.view(1, 3, 1, 1)) / pre.std.view(1, 3, 1, 1)
    with torch.no_grad():
        padded = torch.nn.functional.pad(x, (0, 14, 0, 26))  # to 96 x 64
        expected = model(padded, mode='tensor')[:, :, :70, :50].numpy()
    assert np.abs(logits - expected).max() <= 1e-3


def test_metadata_carries_classes_and_input_format(exported):
    _, out, _ = exported
    props = {p.key: p.value for p in onnx.load(out).metadata_props}
    assert json.loads(props['classes']) == list(CELEBAMASK_HQ_CLASSES)
    assert len(json.loads(props['palette'])) == 19
    assert props['input_format'].startswith('RGB')
    assert json.loads(props['dynamic_shape']) is True


def test_verification_reports_a_mismatch(exported, tiny_config):
    tool = _tool()
    _, out, _ = exported
    model, cfg, _ = tool.build_segmentor(tiny_config)  # other weights
    pre = cfg.model.data_preprocessor
    wrapper = tool.SegFaceONNXWrapper(model, pre.mean, pre.std).eval()
    result = tool.verify(wrapper, out, (SIZE, SIZE), batch=1)
    assert result['max_abs_diff'] > 1e-3


def test_missing_checkpoint_is_named(tiny_config, tmp_path):
    with pytest.raises(SystemExit, match='absent.pth: no such checkpoint'):
        _tool().main([
            tiny_config,
            str(tmp_path / 'absent.pth'), '--output-file',
            str(tmp_path / 'x.onnx')
        ])
    assert not os.listdir(tmp_path)


def test_failed_verification_keeps_the_existing_file(exported, tiny_config,
                                                     tmp_path, capsys):
    _, _, ckpt = exported
    out = tmp_path / 'segface.onnx'
    out.write_bytes(b'the previous export')
    code = _tool().main(
        [tiny_config, ckpt, '--output-file',
         str(out), '--atol', '-1'])
    assert code == 1
    assert 'segface.onnx was not written' in capsys.readouterr().err
    assert out.read_bytes() == b'the previous export'
    assert os.listdir(tmp_path) == ['segface.onnx']


@pytest.mark.parametrize('args, message', [
    (['--shape', '0', '0'], 'positive multiples of 32'),
    (['--shape', '64', '48'], 'positive multiples of 32'),
    (['--opset-version', '5'], 'needs opset 14 or later'),
])
def test_bad_arguments_are_refused(tiny_config, tmp_path, args, message):
    with pytest.raises(SystemExit, match=message):
        _tool().main([tiny_config, '--output-file',
                      str(tmp_path / 'x.onnx')] + args)
    assert not os.listdir(tmp_path)
