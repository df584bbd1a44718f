# Copyright (c) segface-mmseg contributors. All rights reserved.
"""int8 export through tools/deployment/pytorch2onnx.py: calibration,
the check against fp32 that refuses to write, bad calibration folders."""
import json
import os

import cv2
import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from segface_mmseg.deployment import activation_products, quantize_int8
from segface_runtime import OnnxFaceParser
from tests.helpers.onnx_files import export_tiny, face_images, write_images
from tests.helpers.utils import load_script

LOOSE = [
    '--min-agreement', '0', '--max-mean-f1-drop', '100', '--max-class-f1-drop',
    '100'
]


def _tool():
    return load_script('tools', 'deployment', 'pytorch2onnx.py')


@pytest.fixture(scope='module')
def faces(tmp_path_factory):
    folder = tmp_path_factory.mktemp('faces')
    write_images(folder, face_images(6))
    return str(folder)


@pytest.fixture(scope='module')
def int8_export(tiny_config, faces, tmp_path_factory):
    folder = tmp_path_factory.mktemp('int8')
    fp32, ckpt = export_tiny(tiny_config, folder)
    out = folder / 'segface_int8.onnx'
    code = _tool().main([
        tiny_config, ckpt, '--output-file',
        str(out), '--int8', '--calib-dir', faces, '--calib-num', '4',
        '--verify-batch', '1'
    ] + LOOSE)
    return code, str(out), fp32, ckpt


def test_int8_file_is_quantized_and_keeps_the_metadata(int8_export):
    code, out, fp32, _ = int8_export
    assert code == 0
    model = onnx.load(out)
    ops = [node.op_type for node in model.graph.node]
    assert ops.count('QuantizeLinear') > 10
    assert ops.count('DequantizeLinear') > ops.count('QuantizeLinear')
    meta = {p.key: p.value for p in model.metadata_props}
    fp32_meta = {p.key: p.value for p in onnx.load(fp32).metadata_props}
    assert meta['precision'] == 'int8' and fp32_meta['precision'] == 'fp32'
    for key in ('classes', 'palette', 'input_format', 'test_resize', 'mean'):
        assert meta[key] == fp32_meta[key]
    recipe = json.loads(meta['int8_recipe'])
    assert recipe['recipe'] == 'weights'
    assert recipe['reduce_range']
    assert recipe['calibrate_method'] == 'Percentile'
    assert recipe['calibration_images'] == 4
    assert json.loads(meta['int8_check'])['held_out_images'] == 2


def _largest_int8_weight(model):
    weights = [
        numpy_helper.to_array(init) for init in model.graph.initializer
        if init.data_type == onnx.TensorProto.INT8
    ]
    assert weights
    return max(int(np.abs(w.astype(np.int32)).max()) for w in weights)


def test_weights_keep_to_seven_bits_unless_told(int8_export, tmp_path):
    # 8-bit weights saturate onnxruntime's u8 x s8 kernels on x86 CPUs
    # without VNNI, so the default is the reduced range [-64, 64]
    _, out, fp32, _ = int8_export
    assert _largest_int8_weight(onnx.load(out)) == 64
    parser = OnnxFaceParser(fp32)
    inputs = [parser.network_input([image]) for image in face_images(2)]
    full = str(tmp_path / 'full_range.onnx')
    recipe = quantize_int8(fp32, full, inputs, reduce_range=False)
    assert not recipe['reduce_range']
    assert _largest_int8_weight(onnx.load(full)) == 127


def test_products_of_two_activations_stay_fp32(int8_export):
    _, out, fp32, _ = int8_export
    products = activation_products(onnx.load(fp32))
    assert products  # the class-token products and attention
    model = onnx.load(out)
    producer = {o: n.op_type for n in model.graph.node for o in n.output}
    for node in model.graph.node:
        if node.name in products:
            assert all(
                producer.get(i) != 'DequantizeLinear'
                for i in node.input), node.name
    # a Conv with a weight is quantized: its weight comes dequantized
    convs = [n for n in model.graph.node if n.op_type == 'Conv']
    assert any(producer.get(n.input[1]) == 'DequantizeLinear' for n in convs)


def test_runtime_parses_with_the_int8_file(int8_export):
    _, out, fp32, _ = int8_export
    images = face_images(2, seed=9)
    int8 = OnnxFaceParser(out)
    assert int8.precision == 'int8'
    for got, expected in zip(
            int8.logits(images),
            OnnxFaceParser(fp32).logits(images)):
        assert got.shape == expected.shape
        # random weights: the top two logits are ~0.005 apart, so labels
        # flip, but the logits follow fp32's (measured: 0.97)
        assert np.corrcoef(got.ravel(), expected.ravel())[0, 1] > 0.9


def test_beyond_tolerance_is_not_written(int8_export, tiny_config, faces,
                                         tmp_path, capsys):
    _, _, _, ckpt = int8_export
    out = tmp_path / 'segface_int8.onnx'
    out.write_bytes(b'the previous export')
    code = _tool().main([
        tiny_config, ckpt, '--output-file',
        str(out), '--int8', '--calib-dir', faces, '--calib-num', '4',
        '--min-agreement', '1.01', '--skip-verify'
    ])
    assert code == 1
    err = capsys.readouterr().err
    assert 'pixels agree (< 101.00%)' in err
    assert 'segface_int8.onnx was not written' in err
    assert out.read_bytes() == b'the previous export'
    assert os.listdir(tmp_path) == ['segface_int8.onnx']


def _calib_error(tiny_config, ckpt, folder, tmp_path, *extra):
    with pytest.raises(SystemExit) as error:
        _tool().main([
            tiny_config, ckpt, '--output-file',
            str(tmp_path / 'x.onnx'), '--int8', '--calib-dir',
            str(folder), '--skip-verify'
        ] + list(extra))
    assert not (tmp_path / 'x.onnx').exists()
    return str(error.value)


def test_bad_calibration_folders_are_named(int8_export, tiny_config, tmp_path):
    ckpt = int8_export[3]
    empty = tmp_path / 'empty'
    empty.mkdir()
    (empty / 'notes.jpg').write_text('not an image')
    message = _calib_error(tiny_config, ckpt, empty, tmp_path)
    assert 'empty: no readable image among its 1 image file(s)' in message
    few = tmp_path / 'few'
    write_images(few, face_images(2))
    message = _calib_error(tiny_config, ckpt, few, tmp_path, '--calib-num',
                           '5')
    assert 'few: 2 usable image(s) for --calib-num 5' in message
    mixed = tmp_path / 'mixed'
    write_images(mixed, face_images(3))
    cv2.imwrite(str(mixed / 'gray.png'), np.zeros((20, 20), np.uint8))
    cv2.imwrite(str(mixed / 'rgba.png'), np.zeros((20, 20, 4), np.uint8))
    message = _calib_error(tiny_config, ckpt, mixed, tmp_path, '--calib-num',
                           '5')
    assert 'mixed: 2 image(s) are not 3-channel' in message
    assert 'gray.png (1 channel(s)' in message and 'rgba.png (4' in message
    assert 'needs --calib-dir' in _calib_error(tiny_config, ckpt, '', tmp_path)
