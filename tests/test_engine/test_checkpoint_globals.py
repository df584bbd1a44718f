# Copyright (c) segface-mmseg contributors. All rights reserved.
"""mmengine training checkpoints load with torch's safe unpickler."""
import os.path as osp
import pickle

import pytest
import torch
from mmengine.runner import Runner
from mmseg.apis import init_model

from segface_mmseg.engine import register_checkpoint_globals
from ..utils import tiny_runner_config, write_mmseg_layout


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp('ckpt')
    write_mmseg_layout(root / 'data')
    cfg = tiny_runner_config(root / 'work', root / 'data', max_iters=4)
    runner = Runner.from_cfg(cfg)
    runner.train()
    return cfg, root / 'work'


def test_training_checkpoint_loads_safely_only_with_allow_list(trained):
    _, work_dir = trained
    path = str(work_dir / 'iter_4.pth')
    ckpt = torch.load(path, map_location='cpu', weights_only=True)
    assert {'meta', 'state_dict', 'message_hub', 'optimizer'} <= set(ckpt)
    # the same file is refused without the allow-list
    torch.serialization.clear_safe_globals()
    try:
        with pytest.raises(pickle.UnpicklingError, match='Unsupported global'):
            torch.load(path, map_location='cpu', weights_only=True)
    finally:
        register_checkpoint_globals()


def test_resume_continues_from_the_checkpoint(trained):
    cfg, work_dir = trained
    cfg = cfg.copy()
    cfg.train_cfg.max_iters = 6
    cfg.param_scheduler[0].end = 6
    cfg.resume = True
    cfg.load_from = str(work_dir / 'iter_4.pth')
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 6
    assert osp.exists(work_dir / 'iter_6.pth')


def test_load_for_inference(trained):
    cfg, work_dir = trained
    model = init_model(cfg, str(work_dir / 'iter_4.pth'), device='cpu')
    ckpt = torch.load(
        str(work_dir / 'iter_4.pth'), map_location='cpu', weights_only=True)
    for name, value in model.state_dict().items():
        torch.testing.assert_close(value, ckpt['state_dict'][name])
    assert model.dataset_meta['classes'][1] == 'neck'
