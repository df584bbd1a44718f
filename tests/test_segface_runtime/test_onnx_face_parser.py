# Copyright (c) segface-mmseg contributors. All rights reserved.
"""OnnxFaceParser: the exported model on onnxruntime, NumPy and OpenCV,
against FaceParser (PyTorch, mmcv's pipeline) on the same weights."""
import json

import numpy as np
import onnx
import pytest
from mmengine.config import Config
from onnx import TensorProto, helper

from segface_mmseg.apis import FaceParser
from segface_mmseg.apis.inference_config import array_test_pipeline
from segface_mmseg.classes import CELEBAMASK_HQ_CLASSES
from segface_runtime import OnnxFaceParser, OnnxModelError
from tests.helpers.onnx_files import face_images


def test_network_input_is_the_test_pipelines(exported_tiny, tiny_config):
    """The runtime resizes as mmcv's pipeline (Pillow bicubic) does, to the
    bit, and feeds RGB."""
    parser = OnnxFaceParser(exported_tiny[0])
    assert parser.resize == dict(
        size=(64, 64), interpolation='bicubic', backend='pillow')
    pipeline = array_test_pipeline(Config.fromfile(tiny_config))
    for image in face_images(3):
        expected = pipeline(dict(img=image))['inputs'].numpy()  # BGR
        got = parser.network_input([image])[0]
        np.testing.assert_array_equal(got[::-1], expected.astype(np.float32))


def test_labels_match_face_parser(exported_tiny, tiny_config):
    onnx_file, ckpt = exported_tiny
    images = face_images(4, seed=1)
    torch_labels = [
        r.labels for r in FaceParser(tiny_config, ckpt).predict(images)
    ]
    results = OnnxFaceParser(onnx_file, batch_size=3).predict(images, True)
    assert len(results) == 4
    for result, expected, image in zip(results, torch_labels, images):
        assert result['labels'].shape == image.shape[:2]
        assert (result['labels'] == expected).mean() > 0.999
        np.testing.assert_allclose(result['probs'].sum(0), 1, atol=1e-5)
    parser = OnnxFaceParser(onnx_file)
    assert parser.classes == list(CELEBAMASK_HQ_CLASSES)
    assert parser.precision == 'fp32'


def test_a_file_that_is_not_onnx_is_named(tmp_path):
    path = tmp_path / 'model.onnx'
    path.write_bytes(b'not a model')
    with pytest.raises(OnnxModelError, match='model.onnx: not an ONNX model'):
        OnnxFaceParser(str(path))
    with pytest.raises(FileNotFoundError, match='absent.onnx'):
        OnnxFaceParser(str(tmp_path / 'absent.onnx'))


def _identity_model(path, shape, meta):
    x = helper.make_tensor_value_info('input', TensorProto.FLOAT, shape)
    y = helper.make_tensor_value_info('logits', TensorProto.FLOAT, shape)
    graph = helper.make_graph(
        [helper.make_node('Identity', ['input'], ['logits'])], 'g', [x], [y])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid('', 17)])
    for key, value in meta.items():
        prop = model.metadata_props.add()
        prop.key, prop.value = key, value
    onnx.save(model, str(path))
    return str(path)


def test_an_input_format_that_does_not_match_is_named(exported_tiny, tmp_path):
    meta = {p.key: p.value for p in onnx.load(exported_tiny[0]).metadata_props}
    # another model's file: no SegFace metadata
    plain = _identity_model(tmp_path / 'plain.onnx', [1, 3, 8, 8], {})
    with pytest.raises(OnnxModelError, match='plain.onnx: not a SegFace'):
        OnnxFaceParser(plain)
    # SegFace metadata on a one-channel input
    gray = _identity_model(tmp_path / 'gray.onnx', [1, 1, 8, 8], meta)
    with pytest.raises(OnnxModelError, match=r'gray.onnx: .*B x 3 x H x W'):
        OnnxFaceParser(gray)
    # outputs that do not match the class names
    three = dict(meta, classes=json.dumps(['a', 'b']))
    wrong = _identity_model(tmp_path / 'wrong.onnx', [1, 3, 8, 8], three)
    with pytest.raises(OnnxModelError, match='3 output channels but 2'):
        OnnxFaceParser(wrong)
