# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``segface-onnx`` (segface_runtime.cli) in process: images and folders,
the outputs of segface parse, unreadable files listed."""
import os

import numpy as np
import pytest
from PIL import Image

from segface_runtime import OnnxFaceParser, read_image
from segface_runtime.cli import main
from tests.helpers.onnx_files import face_images, write_images


def test_parses_a_folder_and_an_image(exported_tiny, tmp_path, capsys):
    onnx_file, _ = exported_tiny
    folder = tmp_path / 'faces'
    files = write_images(folder, face_images(3))
    (folder / 'broken.png').write_bytes(b'not a png')
    single = write_images(tmp_path / 'more', face_images(1, seed=5), '.png')
    out = tmp_path / 'out'
    code = main([
        onnx_file,
        str(folder), single[0], '--out-dir',
        str(out), '--overlay', '--masks', '--batch-size', '2'
    ])
    assert code == 1  # broken.png is listed, the rest parsed
    assert 'broken.png: not an image file' in capsys.readouterr().err
    parser = OnnxFaceParser(onnx_file)
    names = ['faces/000', 'faces/001', 'faces/002', 'more/000']
    for path, name in zip(files + single, names):
        labels = np.array(Image.open(out / 'pred' / f'{name}.png'))
        expected = parser.predict([read_image(path)])[0]['labels']
        np.testing.assert_array_equal(labels, expected)
        assert (out / 'vis' / f'{name}.jpg').is_file()
        masks = sorted(os.listdir(out / 'masks' / name))
        assert len(masks) == 19 and masks[0] == '00_background.png'
        skin = np.array(Image.open(out / 'masks' / name / masks[1]))
        np.testing.assert_array_equal(skin, (expected == 1) * 255)


def test_bad_model_or_inputs_exit_with_one_line(exported_tiny, tmp_path):
    with pytest.raises(SystemExit, match='missing: no such file or folder'):
        main([exported_tiny[0], str(tmp_path / 'missing')])
    (tmp_path / 'empty').mkdir()
    with pytest.raises(SystemExit, match='no images in'):
        main([exported_tiny[0], str(tmp_path / 'empty')])
    (tmp_path / 'x.onnx').write_text('text')
    write_images(tmp_path / 'in', face_images(1))
    with pytest.raises(SystemExit, match='x.onnx: not an ONNX model'):
        main([str(tmp_path / 'x.onnx'), str(tmp_path / 'in')])
