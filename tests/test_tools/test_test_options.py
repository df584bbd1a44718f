# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``tools/test.py --tta --out --show-dir`` through the tool, in process:
the saved labels are the flip-averaged prediction computed by hand, and
every test image is painted."""
import os
import sys

import cv2
import numpy as np
import pytest
import torch
from PIL import Image

from tests.helpers.training import run_dist_script
from tests.helpers.utils import (build_model, load_script, tiny_runner_config,
                                 write_mmseg_layout)

SIZE = 32
PAIRS = [(4, 5), (6, 7), (8, 9)]  # CelebAMask-HQ's left/right classes


def _flip_averaged_labels(model, path):
    """Softmax of the image and of its mirror image (mirrored back, the
    left/right classes swapped back), averaged; argmax."""
    image = torch.from_numpy(cv2.imread(path)).permute(2, 0, 1)  # BGR
    data = model.data_preprocessor(dict(inputs=[image]), False)
    with torch.no_grad():
        probs = model(data['inputs'], mode='tensor').softmax(dim=1)
        mirrored = model(data['inputs'].flip(-1), mode='tensor')
    mirrored = mirrored.softmax(dim=1).flip(-1)
    order = list(range(probs.shape[1]))
    for a, b in PAIRS:
        order[a], order[b] = b, a
    return ((probs + mirrored[:, order]) / 2).argmax(dim=1)[0].numpy()


def _tiny_test_files(tmp_path, num_images=2, edit=None):
    """Drawn data, the tiny config (changed by ``edit``) and a seeded
    checkpoint under ``tmp_path``: ``(data, config, checkpoint, model)``."""
    data = tmp_path / 'data'
    write_mmseg_layout(str(data), size=SIZE, num_images=num_images)
    cfg = tiny_runner_config(tmp_path / 'work', data, size=SIZE)
    if edit is not None:
        edit(cfg)
    config = str(tmp_path / 'tiny.py')
    cfg.dump(config)
    torch.manual_seed(0)
    model = build_model(cfg)
    model.eval()
    checkpoint = str(tmp_path / 'tiny.pth')
    torch.save(dict(state_dict=model.state_dict()), checkpoint)
    return data, config, checkpoint, model


@pytest.mark.slow
def test_tta_out_and_show_dir(tmp_path, monkeypatch):

    def tta_at_size(cfg):
        cfg.tta_pipeline[1].transforms[0][0].scale = (SIZE, SIZE)

    data, config, checkpoint, model = _tiny_test_files(
        tmp_path, edit=tta_at_size)

    out, show = tmp_path / 'labels', tmp_path / 'show'
    monkeypatch.setenv('LOCAL_RANK', '0')
    monkeypatch.setattr(
        sys,
        'argv',
        [
            'test.py',
            config,
            checkpoint,
            '--tta',
            '--out',
            str(out),
            '--show-dir',
            str(show),
            # mmengine keeps one visualizer per name for the whole process: a
            # name of its own, as a fresh `python tools/test.py` process has
            '--cfg-options',
            f'visualizer.name=show_{tmp_path.name}'
        ])
    load_script('tools', 'test.py').main()

    names = sorted(os.listdir(data / 'img_dir' / 'val'))
    assert sorted(os.listdir(out)) == [n[:-4] + '.png' for n in names]
    changed = 0
    for name in names:
        path = str(data / 'img_dir' / 'val' / name)
        saved = np.array(Image.open(out / (name[:-4] + '.png')))
        expected = _flip_averaged_labels(model, path)
        np.testing.assert_array_equal(saved, expected)
        with torch.no_grad():  # the flip changes the answer somewhere
            plain = model.predict(
                model.data_preprocessor(
                    dict(inputs=[
                        torch.from_numpy(cv2.imread(path)).permute(2, 0, 1)
                    ]), False)['inputs'])[0].pred_sem_seg.data[0]
        changed += int((plain.numpy() != expected).sum())
    assert changed > 0
    # one painted image per test image (mmseg's hook alone paints every
    # 50th): labels | prediction
    painted = show / 'vis_data' / 'vis_image'
    assert sorted(os.listdir(painted)) == [f'test_{n}_0.png' for n in names]
    for name in os.listdir(painted):
        assert cv2.imread(str(painted / name)).shape == (SIZE, 2 * SIZE, 3)


def test_amp_tests_in_bf16_on_the_cpu(tmp_path, monkeypatch, capsys):

    def probe_dtypes(cfg):
        cfg.custom_imports = dict(
            imports=['segface_mmseg', 'tests.helpers.dtype_probe_hook'],
            allow_failed_imports=False)
        cfg.custom_hooks = [dict(type='FeatureDtypeProbeHook')]

    _, config, checkpoint, _ = _tiny_test_files(tmp_path, edit=probe_dtypes)
    monkeypatch.setenv('LOCAL_RANK', '0')
    monkeypatch.setattr(sys, 'argv', ['test.py', config, checkpoint, '--amp'])
    load_script('tools', 'test.py').main()
    dtypes = [
        line for line in capsys.readouterr().out.splitlines()
        if line.startswith('test features dtype')
    ]
    assert dtypes and set(dtypes) == {'test features dtype: torch.bfloat16'}


@pytest.mark.slow
@pytest.mark.subprocess
def test_dist_test_sh_with_gloo(tmp_path):
    data, config, checkpoint, model = _tiny_test_files(tmp_path, num_images=4)

    out = tmp_path / 'labels'
    output = run_dist_script('dist_test.sh', config, checkpoint, '2', '--out',
                             str(out))
    assert 'distributed with gloo on CPU, rank 0 of 2' in output
    assert 'mF1' in output
    # each of the 4 images scored once, as one process predicts it
    names = sorted(os.listdir(data / 'img_dir' / 'val'))
    assert sorted(os.listdir(out)) == [n[:-4] + '.png' for n in names]
    for name in names:
        image = cv2.imread(str(data / 'img_dir' / 'val' / name))
        inputs = model.data_preprocessor(
            dict(inputs=[torch.from_numpy(image).permute(2, 0, 1)]),
            False)['inputs']
        with torch.no_grad():
            expected = model(inputs, mode='tensor').argmax(dim=1)[0]
        np.testing.assert_array_equal(
            np.array(Image.open(out / (name[:-4] + '.png'))), expected.numpy())
