# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The package as a user installs it: sdist -> wheel -> a fresh virtual
environment, used from a directory outside the repository, offline against
a hand-made Hugging Face cache.

The fresh environment borrows the already installed stack (torch, mmcv,
mmseg, ...) through a ``.pth`` line, without its editable install of this
package (``.pth`` files of an added path are not run), so
``segface_mmseg`` can only come from the wheel.
"""
import json
import os
import os.path as osp
import shutil
import sys
import sysconfig
import tarfile
import zipfile

import cv2
import numpy as np
import pytest
from PIL import Image

from segface_mmseg.zoo import packaged_configs
from tests.helpers.hub_cache import add_release, offline_env
from tests.helpers.packaging import build_sdist_and_wheel, run
from tests.helpers.photos import face_photo

RELEASE = 'mobilenet_celeba_512'
CONFIG_NAME = 'segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512'


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """``(python, bin_dir, dist_dir)`` of a venv holding the wheel built
    from the sdist."""
    root = tmp_path_factory.mktemp('packaging')
    # 1. sdist (its egg-info out of the checkout), 2. a wheel from it
    dist, build = build_sdist_and_wheel(root)
    # 3. a fresh venv, the stack borrowed, the wheel installed
    venv = str(root / 'venv')
    run([sys.executable, '-m', 'venv', '--without-pip', venv], build)
    python = osp.join(venv, 'bin', 'python')
    purelib = run([
        python, '-c', 'import sysconfig; print(sysconfig.get_paths()'
        "['purelib'])"
    ], build).strip()
    with open(osp.join(purelib, '_stack.pth'), 'w') as f:
        f.write(sysconfig.get_paths()['purelib'] + '\n')
    [wheel] = [f for f in os.listdir(dist) if f.endswith('.whl')]
    run([
        sys.executable, '-m', 'pip', '--python', python, 'install', '-q',
        '--no-deps', '--no-index',
        osp.join(dist, wheel)
    ], build)
    return python, osp.join(venv, 'bin'), dist


def test_sdist_and_wheel_hold_the_package_configs_and_no_tests(installed):
    _, _, dist = installed
    [wheel] = [f for f in os.listdir(dist) if f.endswith('.whl')]
    names = zipfile.ZipFile(osp.join(dist, wheel)).namelist()
    assert not [n for n in names if n.split('/')[0] in ('tests', 'demo')]
    mim = 'segface_mmseg/.mim/'
    assert mim + 'model-index.yml' in names
    assert mim + 'configs/segface/metafile.yaml' in names
    for relative in packaged_configs().values():
        assert mim + 'configs/' + relative in names
    entry_points = [n for n in names if n.endswith('entry_points.txt')]
    assert entry_points
    [sdist] = [f for f in os.listdir(dist) if f.endswith('.tar.gz')]
    members = tarfile.open(osp.join(dist, sdist)).getnames()
    assert any(m.endswith('requirements/runtime.txt') for m in members)
    assert not any('/tests/' in m for m in members)


def test_by_name_from_outside_the_checkout(installed, tmp_path):
    python, bin_dir, _ = installed
    hf_home = str(tmp_path / 'hf')
    blob = add_release(osp.join(hf_home, 'hub'), RELEASE)
    env = dict(os.environ, **offline_env(hf_home, str(tmp_path / 'cache')))
    env.pop('PYTHONPATH', None)
    work = tmp_path / 'elsewhere'
    work.mkdir()
    cv2.imwrite(str(work / 'face.jpg'), face_photo())

    # every packaged config loads from the wheel's copy (its _base_ files
    # included) and every distinct model among them builds (configs that
    # differ only in data settings share one)
    out = run([
        python, '-c', 'import segface_mmseg, segface_mmseg.zoo as z\n'
        'from mmseg.registry import MODELS\n'
        'from mmengine.registry import init_default_scope\n'
        'print(segface_mmseg.__file__)\n'
        'init_default_scope("mmseg")\n'
        'models = {}\n'
        'for name in z.packaged_configs():\n'
        '    model = z.get_config(name).model\n'
        '    model.backbone.init_cfg = None\n'
        '    model.pop("data_preprocessor")\n'
        '    models.setdefault(repr(model.to_dict()), model)\n'
        'for model in models.values():\n'
        '    MODELS.build(model)\n'
        'print(len(z.packaged_configs()), "loaded", len(models), "built")'
    ], work, env)
    assert f'{len(packaged_configs())} loaded' in out
    assert out.splitlines()[0].startswith(osp.dirname(osp.dirname(python)))

    # the command, by release name: downloads (offline cache), converts
    run([
        osp.join(bin_dir, 'segface'), 'parse', 'face.jpg', '--model', RELEASE,
        '--out-dir', 'out', '--overlay', '--in-the-wild'
    ], work, env)
    labels = np.array(Image.open(work / 'out' / 'pred' / 'face.png'))
    assert labels.shape == face_photo().shape[:2]
    assert (work / 'out' / 'vis' / 'face.jpg').is_file()
    faces = json.loads((work / 'out' / 'faces' / 'face.json').read_text())
    assert len(faces['faces']) >= 1
    listing = run([osp.join(bin_dir, 'segface'), 'list'], work, env)
    assert [line for line in listing.splitlines()
            if line.startswith(RELEASE)][0].split()[4] == 'yes'

    # mim reads the packaged model index; its download of the official
    # file is skipped (already there) and the config is dumped
    dest = work / 'mim'
    dest.mkdir()
    shutil.copyfile(blob, dest / 'model_299.pt')
    run([
        python, '-m', 'mim', 'download', 'segface-mmseg', '--config',
        CONFIG_NAME, '--dest', '.'
    ], dest, env)
    assert (dest / f'{CONFIG_NAME}.py').is_file()

    # in Python: from_pretrained uses the cached weights (no conversion)
    # and gives the command's labels; the inferencer takes mim's files (the
    # official one converted in memory) and gives from_pretrained's
    out = run([
        python, '-c', 'import numpy as np\n'
        'from PIL import Image\n'
        'from segface_mmseg.apis import FaceParser, SegFaceInferencer\n'
        f'p = FaceParser.from_pretrained({RELEASE!r}, detector="mtcnn")\n'
        'ref = np.array(Image.open("out/pred/face.png"))\n'
        'print("cli", bool((p.parse("face.jpg") == ref).all()))\n'
        f'whole = FaceParser.from_pretrained({RELEASE!r}).parse("face.jpg")\n'
        f'i = SegFaceInferencer(model="mim/{CONFIG_NAME}.py", '
        'weights="mim/model_299.pt")\n'
        'got = i("face.jpg", return_datasamples=True).pred_sem_seg.data[0]\n'
        'print("mim", bool((got.numpy() == whole).all()))'
    ], work, env)
    assert 'cli True' in out and 'mim True' in out
    assert 'converting' not in out
