# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Helpers shared by the tests."""
import glob
import os
import os.path as osp
import subprocess
import sys

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG_DIR = osp.join(REPO_ROOT, 'configs')


def all_config_paths():
    """Every runnable config (``_base_`` excluded)."""
    paths = glob.glob(osp.join(CONFIG_DIR, '**', '*.py'), recursive=True)
    return sorted(p for p in paths if '_base_' not in p)


def load_config(path):
    """Load a config with the backbone's pretrained init switched off."""
    if not osp.isabs(path):
        path = osp.join(CONFIG_DIR, path)
    cfg = Config.fromfile(path)
    cfg.model.backbone.init_cfg = None
    return cfg


def build_model(path_or_cfg):
    """Build the segmentor of a config, without pretrained weights."""
    init_default_scope('mmseg')
    cfg = path_or_cfg
    if not isinstance(cfg, Config):
        cfg = load_config(cfg)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


def demo_batch(batch_size, height, width, num_classes, seed=0):
    """Random images and labels in the ``data_preprocessor`` format."""
    gen = torch.Generator().manual_seed(seed)
    inputs = [
        torch.randint(
            0, 256, (3, height, width), generator=gen, dtype=torch.uint8)
        for _ in range(batch_size)
    ]
    samples = []
    for _ in range(batch_size):
        sample = SegDataSample(
            metainfo=dict(
                img_shape=(height, width),
                ori_shape=(height, width),
                pad_shape=(height, width)))
        sample.gt_sem_seg = PixelData(
            data=torch.randint(
                0, num_classes, (1, height, width), generator=gen))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def write_mmseg_layout(root,
                       splits=('train', 'val'),
                       num_images=2,
                       size=32,
                       num_classes=19,
                       seed=0):
    """Write random images and labels in the converted (mmseg) layout."""
    import os

    import numpy as np
    from PIL import Image
    rng = np.random.default_rng(seed)
    for split in splits:
        os.makedirs(osp.join(root, 'img_dir', split), exist_ok=True)
        os.makedirs(osp.join(root, 'ann_dir', split), exist_ok=True)
        for i in range(num_images):
            img = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
            label = rng.integers(0, num_classes, (size, size), dtype=np.uint8)
            Image.fromarray(img).save(
                osp.join(root, 'img_dir', split, f'{i}.jpg'))
            Image.fromarray(label).save(
                osp.join(root, 'ann_dir', split, f'{i}.png'))


def tiny_runner_config(work_dir,
                       data_root,
                       max_iters=4,
                       size=32,
                       val_interval=None,
                       ckpt_interval=None):
    """A MobileNetV3 SegFace config that trains in seconds on CPU.

    It validates every ``val_interval`` iterations (default: at the end
    only) and saves a checkpoint every ``ckpt_interval`` (default:
    ``max_iters // 2``).
    """
    cfg = load_config(
        'segface/segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py')
    cfg.work_dir = str(work_dir)
    cfg.model.data_preprocessor.size = (size, size)
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].num_workers = 0
        cfg[loader].persistent_workers = False
        cfg[loader].dataset.data_root = str(data_root)
        for t in cfg[loader].dataset.pipeline:
            if t.type == 'Resize':
                t.scale = (size, size)
    cfg.train_dataloader.batch_size = 2
    cfg.test_dataloader.dataset.data_prefix = dict(
        img_path='img_dir/val', seg_map_path='ann_dir/val')
    cfg.train_cfg = dict(
        type='IterBasedTrainLoop',
        max_iters=max_iters,
        val_interval=val_interval or max_iters)
    cfg.param_scheduler[0].end = max_iters
    cfg.param_scheduler[0].milestones = [max_iters // 2]
    cfg.default_hooks.checkpoint.interval = ckpt_interval or max_iters // 2
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.visualization = dict(type='SegVisualizationHook')
    cfg.randomness = dict(seed=0, deterministic=True)
    cfg.env_cfg.cudnn_benchmark = False
    return cfg


def load_script(*parts):
    """Import a script of the repository as a module, e.g.
    ``load_script('tools', 'train.py')``."""
    import importlib.util
    path = osp.join(REPO_ROOT, *parts)
    name = '_script_' + '_'.join(parts)[:-len('.py')].replace('/', '_')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tool(*parts):
    """The command that runs a script of the repository, e.g.
    ``tool('tools', 'train.py')``."""
    return [sys.executable, osp.join(REPO_ROOT, *parts)]


def script_env():
    """The environment of a script run by the tests: the repository on the
    path, one thread, no distributed variables."""
    env = dict(os.environ, PYTHONPATH=REPO_ROOT, OMP_NUM_THREADS='1')
    env.pop('RANK', None)
    env.pop('WORLD_SIZE', None)
    return env


def run_script(args, timeout=300, **env):
    """Run a command from the repository root in :func:`script_env` (with
    ``env``'s variables added); ``(exit code, output)``.

    A Python command without added variables runs in a process forked from
    a server that has the third-party stack imported
    (:mod:`tests.helpers.warm_python`); anything else in a new one.
    """
    base = script_env()
    if args[0] == sys.executable and not env:
        from tests.helpers.warm_python import WarmPython
        return WarmPython.get(base).run(list(args), REPO_ROOT, base, timeout)
    proc = subprocess.run(
        args,
        cwd=REPO_ROOT,
        env=dict(base, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout)
    return proc.returncode, proc.stdout
