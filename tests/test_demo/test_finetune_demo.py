# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The fine-tuning tutorial's script (demo/finetune_demo.py) end to end,
shortened (--quick), from a 19-class checkpoint as `make demo` writes it."""
import json
import os
import os.path as osp

import pytest
import torch

from demo.synthetic_faces.own_data import CLASSES
from segface_mmseg.classes import CELEBAMASK_HQ_CLASSES
from tests.helpers.utils import (REPO_ROOT, build_model, load_config,
                                 load_script, run_script, tool)


def test_quick_finetune_and_scratch_are_compared(tmp_path):
    checkpoint = str(tmp_path / 'demo.pth')
    model = build_model(
        load_config('demo/segface_mobilenetv3-l_1xb8-1k_synthetic-faces-'
                    '128x128.py'))
    torch.save(
        dict(
            state_dict=model.state_dict(),
            meta=dict(dataset_meta=dict(classes=CELEBAMASK_HQ_CLASSES))),
        checkpoint)
    work_dir = tmp_path / 'finetune'
    code, out = run_script(
        tool('demo', 'finetune_demo.py') + [
            '--quick', '--checkpoint', checkpoint, '--work-dir',
            str(work_dir), '--nproc', '1'
        ],
        timeout=900)
    assert code == 0, out[-3000:]
    assert f'ClassTransferHook: loaded {checkpoint}' in out
    assert 'eyes <- l_eye + r_eye (mean)' in out
    summary = json.loads((work_dir / 'comparison.json').read_text())
    assert list(summary['runs']) == ['finetune', 'scratch']
    for run, result in summary['runs'].items():
        assert result['classes'] == list(CLASSES) and result['iters'] == 4
        assert osp.isfile(work_dir / run / 'iter_4.pth')
        teeth = result['F1'][CLASSES.index('teeth')]
        shown = '-' if teeth is None else f'{teeth:.2f}'
        assert (f'| {run} | 4 | {result["mF1"]:.2f} | {shown} | '
                f'{result["train_seconds"] / 60:.1f} min |') in out


def test_without_the_demo_checkpoint_says_how_to_get_one(
        tmp_path, monkeypatch):
    missing = str(tmp_path / 'missing.pth')
    # as when run as a script: its package beside it is importable; the
    # variable it sets for its own process is undone afterwards
    monkeypatch.syspath_prepend(osp.join(REPO_ROOT, 'demo'))
    monkeypatch.setenv('OMP_WAIT_POLICY', 'PASSIVE')
    finetune_demo = load_script('demo', 'finetune_demo.py')
    with pytest.raises(SystemExit) as exit_info:
        finetune_demo.main([
            '--quick', '--checkpoint', missing, '--work-dir',
            str(tmp_path / 'finetune')
        ])
    message = str(exit_info.value.code)
    assert message.startswith(f'error: {missing}: no such checkpoint')
    assert 'run `make demo` first' in message
    assert not (tmp_path / 'finetune').exists()  # nothing was written


def test_data_only_draws_the_data_and_trains_nothing(tmp_path, monkeypatch):
    # as when run as a script: its package beside it is importable
    monkeypatch.syspath_prepend(osp.join(REPO_ROOT, 'demo'))
    monkeypatch.setenv('OMP_WAIT_POLICY', 'PASSIVE')
    finetune_demo = load_script('demo', 'finetune_demo.py')
    work_dir = tmp_path / 'finetune'
    meta = finetune_demo.main([
        '--data-only',
        '--work-dir',
        str(work_dir),
        '--split-sizes',
        '3',
        '1',
        '2',
        '--image-size',
        '64',
        '--nproc',
        '1',
        '--checkpoint',
        str(tmp_path / 'missing.pth')  # not needed for the data
    ])
    data = work_dir / 'data'
    assert meta['split_sizes'] == dict(train=3, val=1, test=2)
    for split, count in meta['split_sizes'].items():
        images = sorted(os.listdir(data / 'img_dir' / split))
        labels = sorted(os.listdir(data / 'ann_dir' / split))
        assert len(images) == len(labels) == count
    assert json.loads((data / 'classes.json').read_text())['classes'] == \
        list(CLASSES)
    # only the data: no run, no comparison
    assert sorted(os.listdir(work_dir)) == ['data']
