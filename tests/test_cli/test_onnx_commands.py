# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``segface export`` and ``segface parse --onnx``, in process, against an
offline hub cache: the release exported once, cached, parsed with the
torch-free runtime."""
import json
import os

import numpy as np
import onnx
import pytest
from PIL import Image

from segface_mmseg.apis import FaceParser
from segface_mmseg.cli.main import main
from segface_mmseg.deployment import cached_onnx_path
from segface_runtime import OnnxFaceParser, read_image
from tests.helpers.onnx_files import export_tiny, face_images, write_images
from tests.helpers.tiny_model import write_tiny_config

RELEASE = 'mobilenet_celeba_512'


@pytest.mark.slow
def test_parse_onnx_by_release_exports_once(fake_hub, tmp_path, capsys):
    folder = tmp_path / 'faces'
    files = write_images(folder, face_images(2))
    out = tmp_path / 'out'
    assert main([
        'parse',
        str(folder), '--onnx', RELEASE, '--out-dir',
        str(out), '--masks'
    ]) == 0
    cached = cached_onnx_path(RELEASE)
    assert 'wrote ' + cached in capsys.readouterr().out
    stamp = os.stat(cached).st_mtime_ns
    # the runtime's labels are FaceParser's (PyTorch) up to rounding
    torch_parser = FaceParser.from_pretrained(RELEASE)
    for path, name in zip(files, ('000', '001')):
        labels = np.array(Image.open(out / 'pred' / f'{name}.png'))
        expected = torch_parser.parse(read_image(path))
        assert (labels == expected).mean() > 0.999
        assert len(os.listdir(out / 'masks' / name)) == 19
    # a second run uses the cached file
    assert main(['parse', files[0], '--onnx', RELEASE, '--out-dir',
                 str(out)]) == 0
    assert os.stat(cached).st_mtime_ns == stamp


def test_parse_onnx_file_and_its_errors(tmp_path):
    onnx_file, _ = export_tiny(write_tiny_config(tmp_path), tmp_path)
    image = write_images(tmp_path / 'in', face_images(1))[0]
    out = tmp_path / 'out'
    assert main(['parse', image, '--onnx', onnx_file, '--out-dir',
                 str(out)]) == 0
    labels = np.array(Image.open(out / 'pred' / '000.png'))
    expected = OnnxFaceParser(onnx_file).predict([read_image(image)])
    np.testing.assert_array_equal(labels, expected[0]['labels'])
    with pytest.raises(SystemExit, match='--in-the-wild needs the PyTorch'):
        main(['parse', image, '--onnx', onnx_file, '--in-the-wild'])
    with pytest.raises(SystemExit, match='not videos'):
        main(['parse', 'clip.mp4', '--onnx', onnx_file])
    with pytest.raises(SystemExit, match='nope.onnx: no such ONNX file'):
        main(['parse', image, '--onnx', str(tmp_path / 'nope.onnx')])
    with pytest.raises(SystemExit, match='--model is required'):
        main(['parse', image])


def test_export_by_name_writes_the_metadata(fake_hub, tmp_path):
    out = tmp_path / 'm.onnx'
    assert main([
        'export', RELEASE, '--output-file',
        str(out), '--shape', '64', '--verify-batch', '1'
    ]) == 0
    meta = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
    assert meta['precision'] == 'fp32'
    assert json.loads(meta['input_shape']) == [64, 64]
    assert len(json.loads(meta['classes'])) == 19
    assert json.loads(meta['test_resize'])['backend'] == 'pillow'
    with pytest.raises(SystemExit, match="'nope': not a config file"):
        main(['export', 'nope', '--output-file', str(tmp_path / 'n.onnx')])
