# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Faults injected into real runs (see tests/helpers/fault_injection.py):
kill -9 in the middle of a file write, and a full disk. After each, no file
under its final name is partial, and a re-run ends with the result of a
clean run."""
import filecmp
import os
import os.path as osp
import shutil
import signal
import sys

import pytest
import torch

from tests.helpers.data_generators import make_fake_lapa
from tests.helpers.tiny_model import save_checkpoint, write_tiny_config
from tests.helpers.utils import (build_model, run_script, tiny_runner_config,
                                 tool, write_mmseg_layout)

MAX_ITERS = 4  # validate and save at 2 and 4


def _with_fault(fault, name, command, nth=1):
    """``command`` (a python script and its arguments) run with the fault
    (see tests/helpers/fault_injection.py) on the nth write of a file named
    ``*name*``."""
    return [
        sys.executable, '-m', 'tests.helpers.fault_injection', fault, name,
        str(nth), '--'
    ] + command[1:]


def _leftovers(folder):
    return sorted(
        osp.relpath(osp.join(root, f), folder)
        for root, _, files in os.walk(folder) for f in files
        if '.segface-tmp' in f)


def _state(path):
    return torch.load(
        path, map_location='cpu', weights_only=True)['state_dict']


def _assert_same_weights(a, b):
    a, b = _state(a), _state(b)
    assert a.keys() == b.keys()
    differ = [key for key in a if not torch.equal(a[key], b[key])]
    assert not differ, f'{len(differ)} tensors differ, e.g. {differ[:3]}'


@pytest.fixture(scope='module')
def train_config(tmp_path_factory):
    root = tmp_path_factory.mktemp('train')
    write_mmseg_layout(str(root / 'data'), num_images=4)
    cfg = tiny_runner_config(
        root / 'unused',
        root / 'data',
        MAX_ITERS,
        val_interval=2,
        ckpt_interval=2)
    path = str(root / 'tiny.py')
    cfg.dump(path)
    work_dir = root / 'clean'
    code, out = run_script(
        tool('tools', 'train.py') +
        [path, '--work-dir', str(work_dir)])
    assert code == 0, out[-3000:]
    return path, work_dir / f'iter_{MAX_ITERS}.pth'


def test_kill_while_saving_a_checkpoint_then_resume(train_config, tmp_path):
    config, clean = train_config
    work_dir = tmp_path / 'work'
    train = tool('tools', 'train.py') + [config, '--work-dir', str(work_dir)]
    # killed half-way through writing iter_4.pth
    code, out = run_script(_with_fault('kill', 'iter_4.pth', train))
    assert code == -signal.SIGKILL, out[-3000:]
    assert not osp.exists(work_dir / 'iter_4.pth')
    leftovers = _leftovers(work_dir)  # the killed writer's temporary file
    assert len(leftovers) == 1 and leftovers[0].startswith('.iter_4.pth.')
    assert open(work_dir /
                'last_checkpoint').read().strip().endswith('iter_2.pth')
    # --resume: from iteration 2, to the clean run's weights; the killed
    # writer's temporary file is cleaned up
    code, out = run_script(train + ['--resume'])
    assert code == 0, out[-3000:]
    assert 'resumed epoch: 0, iter: 2' in out
    assert _leftovers(work_dir) == []
    _assert_same_weights(work_dir / 'iter_4.pth', clean)
    # and training did move the weights away from the iteration-2 ones
    at_2, at_4 = _state(work_dir / 'iter_2.pth'), _state(clean)
    assert any(not torch.equal(at_2[key], value)
               for key, value in at_4.items())

    # a truncated last checkpoint (as a non-atomic writer leaves it): skipped
    # with a message naming it, resumed from the one before
    data = open(work_dir / 'iter_4.pth', 'rb').read()
    with open(work_dir / 'iter_4.pth', 'wb') as f:
        f.write(data[:len(data) // 3])
    code, out = run_script(train + ['--resume'])
    assert code == 0, out[-3000:]
    assert 'skipped 1 unusable checkpoint(s)' in out
    assert 'iter_4.pth: cannot be loaded: the file is truncated' in out
    assert 'resumed epoch: 0, iter: 2' in out
    _assert_same_weights(work_dir / 'iter_4.pth', clean)


def test_full_disk_while_saving_fails_and_keeps_the_last_checkpoint(
        train_config, tmp_path):
    config, _ = train_config
    work_dir = tmp_path / 'work'
    code, out = run_script(
        _with_fault(
            'enospc', 'iter_4.pth',
            tool('tools', 'train.py') +
            [config, '--work-dir', str(work_dir)]))
    assert code != 0
    assert 'No space left on device' in out
    assert not osp.exists(work_dir / 'iter_4.pth')
    assert _leftovers(work_dir) == []
    torch.load(work_dir / 'iter_2.pth', weights_only=True)  # complete


def test_resume_with_only_corrupt_checkpoints_says_so(train_config, tmp_path):
    config, clean = train_config
    work_dir = tmp_path / 'work'
    work_dir.mkdir()
    (work_dir / 'iter_2.pth').write_bytes(b'')
    code, out = run_script(
        tool('tools', 'train.py') +
        [config, '--work-dir', str(work_dir), '--resume'])
    assert code == 1
    assert 'no checkpoint to resume from loads' in out
    assert 'iter_2.pth: cannot be loaded: the file is empty' in out


def test_kill_during_conversion_then_rerun(tmp_path):
    raw = tmp_path / 'raw'
    make_fake_lapa(str(raw), names_per_split=3)
    convert = tool('tools', 'dataset_converters', 'lapa.py') + [str(raw), '-o']
    code, out = run_script(convert + [str(tmp_path / 'clean')])
    assert code == 0, out[-3000:]
    out_dir = tmp_path / 'out'
    # killed while writing the third converted image
    code, out = run_script(
        _with_fault(
            'kill', '.jpg', convert + [str(out_dir), '--nproc', '1'], nth=3))
    assert code == -signal.SIGKILL, out[-3000:]
    assert len(_leftovers(out_dir)) == 1
    code, out = run_script(convert + [str(out_dir)])
    assert code == 0, out[-3000:]
    assert _leftovers(out_dir) == []
    compare = filecmp.dircmp(tmp_path / 'clean', out_dir)
    _assert_same_tree(compare)


def _assert_same_tree(compare):
    assert not (compare.left_only or compare.right_only
                or compare.diff_files), compare.report()
    for sub in compare.subdirs.values():
        _assert_same_tree(sub)


def test_kill_during_export_keeps_the_previous_file(tmp_path):
    tiny_config = write_tiny_config(tmp_path)
    checkpoint = save_checkpoint(
        build_model(tiny_config), tmp_path / 'model.pth')
    export = tool('tools', 'deployment', 'pytorch2onnx.py') + [
        tiny_config, checkpoint, '--output-file',
        str(tmp_path / 'segface.onnx'), '--skip-verify'
    ]
    code, out = run_script(export)
    assert code == 0, out[-3000:]
    shutil.copy(tmp_path / 'segface.onnx', tmp_path / 'before.onnx')
    code, out = run_script(_with_fault('kill', 'segface.onnx', export))
    assert code == -signal.SIGKILL, out[-3000:]
    assert filecmp.cmp(tmp_path / 'segface.onnx', tmp_path / 'before.onnx',
                       False)
    code, out = run_script(export)
    assert code == 0, out[-3000:]
    assert _leftovers(tmp_path) == []
    assert filecmp.cmp(tmp_path / 'segface.onnx', tmp_path / 'before.onnx',
                       False)  # the export is deterministic
