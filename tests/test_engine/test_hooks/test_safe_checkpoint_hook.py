# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Training checkpoints that load safely and are written atomically."""
import errno
import io
import os
import os.path as osp
import sys

import numpy as np
import pytest
import torch
from mmengine.fileio import get_file_backend, register_backend
from mmengine.logging import MessageHub, MMLogger
from mmengine.runner import Runner
from mmseg.apis import init_model

import segface_runtime.atomic_files as atomic_files
from segface_mmseg.engine import (AtomicLocalBackend, SafeCheckpointHook,
                                  find_resumable_checkpoint)
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


@register_backend('segface_test_full_disk', force=True)
class FullDisk(AtomicLocalBackend):
    """The atomic backend on a disk that fills up while a file named in
    ``full_at`` is written."""
    full_at = ('iter_4.pth', )

    def put(self, obj: bytes, filepath) -> None:
        if osp.basename(str(filepath)) in self.full_at:
            raise OSError(errno.ENOSPC, 'No space left on device')
        super().put(obj, filepath)


def test_rotation_keeps_the_last_checkpoint_until_the_next_is_saved(tmp_path):
    """``max_keep_ckpts=1`` and the disk full while ``iter_4.pth`` is
    written: ``iter_2.pth`` is still there, ``last_checkpoint`` names it,
    ``--resume`` finds it and training resumes from it; once ``iter_4.pth``
    is saved, ``iter_2.pth`` goes."""
    write_mmseg_layout(tmp_path / 'data')
    work_dir = tmp_path / 'work'
    cfg = tiny_runner_config(work_dir, tmp_path / 'data', max_iters=4)
    cfg.default_hooks.checkpoint.max_keep_ckpts = 1
    cfg.default_hooks.checkpoint.save_best = None
    cfg.default_hooks.checkpoint.backend_args = dict(
        backend='segface_test_full_disk')
    with pytest.raises(OSError, match='No space left'):
        Runner.from_cfg(cfg.copy()).train()
    kept = str(work_dir / 'iter_2.pth')
    assert sorted(p.name for p in work_dir.glob('*.pth')) == ['iter_2.pth']
    assert (work_dir / 'last_checkpoint').read_text() == kept
    assert find_resumable_checkpoint(str(work_dir)) == kept

    cfg.default_hooks.checkpoint.backend_args = None
    cfg.resume = True
    cfg.load_from = kept
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 4
    # (and its published copy, iter_4-<sha>.pth)
    assert sorted(p.name
                  for p in work_dir.glob('iter_?.pth')) == ['iter_4.pth']
    assert (work_dir / 'last_checkpoint').read_text() == str(work_dir /
                                                             'iter_4.pth')
    resumed = torch.load(
        str(work_dir / 'iter_4.pth'), map_location='cpu', weights_only=True)
    assert resumed['message_hub']['runtime_info']['keep_ckpt_ids'] == [4]


class _SavingRunner:
    """What ``CheckpointHook`` uses of a runner, saving small files."""

    def __init__(self, work_dir):
        self.work_dir = str(work_dir)
        self.epoch, self.iter = 0, 0
        self.message_hub = MessageHub.get_instance(f'best-{work_dir}')
        self.logger = MMLogger.get_current_instance()

    def save_checkpoint(self,
                        out_dir,
                        filename,
                        file_client_args=None,
                        backend_args=None,
                        **kwargs):
        get_file_backend(
            out_dir,
            backend_args=backend_args).put(f'{filename}'.encode(),
                                           osp.join(out_dir, filename))


def test_a_new_best_checkpoint_replaces_the_old_one_after_it_is_saved(
        tmp_path, monkeypatch):
    runner = _SavingRunner(tmp_path)
    hook = SafeCheckpointHook(
        interval=1,
        by_epoch=False,
        save_best='mF1',
        rule='greater',
        backend_args=dict(backend='segface_test_full_disk'))
    hook.before_train(runner)
    monkeypatch.setattr(FullDisk, 'full_at', ('best_mF1_iter_4.pth', ))
    runner.iter = 2
    hook._save_best_checkpoint(runner, dict(mF1=0.5))
    runner.iter = 4
    with pytest.raises(OSError, match='No space left'):
        hook._save_best_checkpoint(runner, dict(mF1=0.6))
    assert sorted(os.listdir(tmp_path)) == ['best_mF1_iter_2.pth']
    assert hook.best_ckpt_path == str(tmp_path / 'best_mF1_iter_2.pth')
    monkeypatch.setattr(FullDisk, 'full_at', ())
    hook._save_best_checkpoint(runner, dict(mF1=0.7))
    assert sorted(os.listdir(tmp_path)) == ['best_mF1_iter_4.pth']
    hook._save_best_checkpoint(runner, dict(mF1=0.1))  # not better
    assert hook.best_ckpt_path == str(tmp_path / 'best_mF1_iter_4.pth')
