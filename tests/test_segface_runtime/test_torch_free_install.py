# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The runtime as an edge user installs it: a fresh virtual environment
holding only onnxruntime, NumPy, OpenCV (headless) and the package's wheel,
installed with ``--no-deps``; no torch, mmcv or mmseg anywhere in it."""
import os
import os.path as osp
import sys

import numpy as np
import pytest
from PIL import Image

from segface_runtime import OnnxFaceParser, read_image
from tests.helpers.onnx_files import face_images, write_images
from tests.helpers.packaging import build_sdist_and_wheel, run

pytestmark = pytest.mark.slow


def _run(args, cwd, env=None):
    return run(args, cwd, env, timeout=900)  # pip installs from an index


@pytest.fixture(scope='module')
def runtime_venv(tmp_path_factory):
    """``bin`` folder of a venv: onnxruntime, numpy, opencv, the wheel."""
    root = tmp_path_factory.mktemp('edge')
    dist, build = build_sdist_and_wheel(root)
    [wheel] = [f for f in os.listdir(dist) if f.endswith('.whl')]
    venv = str(root / 'venv')
    _run([sys.executable, '-m', 'venv', venv], build)
    pip = [osp.join(venv, 'bin', 'python'), '-m', 'pip', 'install', '-q']
    _run(pip + ['onnxruntime', 'numpy', 'opencv-python-headless'], build)
    _run(pip + ['--no-deps', osp.join(dist, wheel)], build)
    return osp.join(venv, 'bin')


def _clean_env():
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    return env


def test_the_environment_has_no_torch(runtime_venv, tmp_path):
    out = _run([
        osp.join(runtime_venv, 'python'), '-c',
        'import importlib.util as u, sys, segface_runtime\n'
        "print([m for m in ('torch', 'mmcv', 'mmseg', 'mmengine', 'PIL') "
        'if u.find_spec(m)])\n'
        "print(sorted(m for m in sys.modules if m.startswith('segface')))\n"
        'print(segface_runtime.__file__)'
    ], str(tmp_path), _clean_env())
    found, modules, location = out.strip().splitlines()[-3:]
    assert found == '[]'
    assert 'segface_mmseg' not in modules
    assert location.startswith(osp.dirname(runtime_venv))


def test_parses_an_image_and_a_folder(runtime_venv, exported_tiny, tmp_path):
    onnx_file, _ = exported_tiny
    work = tmp_path / 'elsewhere'
    files = write_images(work / 'faces', face_images(2))
    single = write_images(work / 'one', face_images(1, seed=7), '.png')
    _run([
        osp.join(runtime_venv, 'segface-onnx'), onnx_file, 'faces',
        'one/000.png', '--out-dir', 'out', '--overlay', '--masks'
    ], str(work), _clean_env())
    # the same labels as the runtime in this (torch) environment
    parser = OnnxFaceParser(onnx_file)
    for path, name in zip(files + single,
                          ['faces/000', 'faces/001', 'one/000']):
        labels = np.array(Image.open(work / 'out' / 'pred' / f'{name}.png'))
        np.testing.assert_array_equal(
            labels,
            parser.predict([read_image(path)])[0]['labels'])
        assert (work / 'out' / 'vis' / f'{name}.jpg').is_file()
        assert len(os.listdir(work / 'out' / 'masks' / name)) == 19
