# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Training checkpoints that load safely and are written atomically."""
import io
import os.path as osp
import sys

import numpy as np
import pytest
import torch
from mmengine.fileio import get_file_backend
from mmengine.runner import Runner
from mmseg.apis import init_model

import segface_mmseg.utils.atomic_files as atomic_files
from segface_mmseg.engine import AtomicLocalBackend, SafeCheckpointHook
from tests.helpers.utils import (run_script, tiny_runner_config,
                                 write_mmseg_layout)

# A torch zip file whose pickle reaches ``torch._utils``' module globals
# through ``getattr`` and writes a key into them: refused by torch's own
# safe loading, and it must stay refused after the plugin is imported.
CRAFTED_LOAD = r"""
import pickle, sys, zipfile
import torch
# the allow-list with every dependency loaded (torch adds its own classes
# as its modules load), then with the plugin: the same
import mmengine.runner, mmseg.apis, mmseg.models, mmpretrain.models  # noqa
before = set(torch.serialization.get_safe_globals())
import segface_mmseg, segface_mmseg.apis  # noqa
after = set(torch.serialization.get_safe_globals())
assert after == before, after - before
assert getattr not in after
path = sys.argv[1]
torch.save({'x': torch.zeros(1)}, path)
payload = (b'\x80\x02cbuiltins\ngetattr\n'
           b'ctorch._utils\n_rebuild_tensor_v2\n'
           b'X\x0b\x00\x00\x00__globals__\x86R'
           b'X\x0f\x00\x00\x00segface_crafted'
           b'K\x01s.')
with zipfile.ZipFile(path) as src:
    entries = [(info, src.read(info)) for info in src.infolist()]
with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as dst:
    for info, data in entries:
        if info.filename.endswith('/data.pkl'):
            data = payload
        dst.writestr(info, data)
try:
    torch.load(path, weights_only=True)
except pickle.UnpicklingError as error:
    assert 'getattr' in str(error), error
    print('refused')
print('crafted key written:', hasattr(torch._utils, 'segface_crafted'))
"""


def test_import_leaves_safe_loading_as_strict_as_torch_has_it(tmp_path):
    """After ``import segface_mmseg`` torch's allow-list is unchanged and a
    crafted file using ``getattr`` is refused without side effects (a fresh
    process, so no other test can have touched the allow-list)."""
    code, out = run_script(
        [sys.executable, '-c', CRAFTED_LOAD,
         str(tmp_path / 'crafted.pth')])
    assert code == 0, out[-3000:]
    assert 'refused' in out
    assert 'crafted key written: False' in out


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp('ckpt')
    write_mmseg_layout(root / 'data')
    cfg = tiny_runner_config(root / 'work', root / 'data', max_iters=4)
    runner = Runner.from_cfg(cfg)
    runner.train()
    return cfg, root / 'work', runner.message_hub.state_dict()


def test_training_checkpoint_loads_with_torchs_default_allow_list(trained):
    _, work_dir, _ = trained
    for name in ('iter_2.pth', 'iter_4.pth', 'best_mF1_iter_4.pth'):
        ckpt = torch.load(
            str(work_dir / name), map_location='cpu', weights_only=True)
        assert {'meta', 'state_dict', 'message_hub'} <= set(ckpt)
        assert ('optimizer' in ckpt) == name.startswith('iter')


def test_message_hub_comes_back_exactly(trained):
    cfg, work_dir, hub_state = trained
    ckpt = torch.load(
        str(work_dir / 'iter_4.pth'), map_location='cpu', weights_only=True)
    SafeCheckpointHook(interval=1).after_load_checkpoint(None, ckpt)
    restored = ckpt['message_hub']['log_scalars']
    assert set(restored) == set(hub_state['log_scalars'])
    for key, buffer in hub_state['log_scalars'].items():
        for attr in ('_log_history', '_count_history'):
            expected = getattr(buffer, attr)
            got = getattr(restored[key], attr)
            assert got.dtype == expected.dtype, key
            np.testing.assert_array_equal(got, expected, err_msg=key)
    assert ckpt['message_hub']['runtime_info']['iter'] == 3


def test_resume_continues_from_the_checkpoint(trained):
    cfg, work_dir, _ = trained
    cfg = cfg.copy()
    cfg.train_cfg.max_iters = 6
    cfg.param_scheduler[0].end = 6
    cfg.resume = True
    cfg.load_from = str(work_dir / 'iter_4.pth')
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 6
    assert osp.exists(work_dir / 'iter_6.pth')
    # the loss history continued from the checkpoint's
    loss = runner.message_hub.get_scalar('train/loss')
    assert len(loss.data[0]) == 6


def test_load_for_inference(trained):
    cfg, work_dir, _ = trained
    model = init_model(cfg, str(work_dir / 'iter_4.pth'), device='cpu')
    ckpt = torch.load(
        str(work_dir / 'iter_4.pth'), map_location='cpu', weights_only=True)
    for name, value in model.state_dict().items():
        torch.testing.assert_close(value, ckpt['state_dict'][name])
    assert model.dataset_meta['classes'][1] == 'neck'


def test_a_failed_save_keeps_the_previous_checkpoint(trained, monkeypatch):
    """A write error mid-file (a full disk): the old file stays whole and no
    temporary file is left."""
    _, work_dir, _ = trained
    path = str(work_dir / 'iter_2.pth')
    before = open(path, 'rb').read()

    class FullDisk(io.FileIO):

        def write(self, data):
            super().write(data[:len(data) // 2])
            raise OSError(28, 'No space left on device')

    monkeypatch.setattr(atomic_files, 'open', FullDisk, raising=False)
    backend = get_file_backend(
        path, backend_args=SafeCheckpointHook(interval=1).backend_args)
    assert isinstance(backend, AtomicLocalBackend)
    with pytest.raises(OSError, match='No space left'):
        backend.put(b'x' * 1000, path)
    assert open(path, 'rb').read() == before
    assert sorted(p.name for p in work_dir.iterdir()
                  if p.name.startswith('.')) == []
