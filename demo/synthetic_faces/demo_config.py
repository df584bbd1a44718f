# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The demo's config, with the command line's changes applied."""
import os.path as osp

from mmengine.config import Config

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT_CONFIG = osp.join(
    REPO_ROOT, 'configs', 'demo',
    'segface_mobilenetv3-l_1xb8-1k_synthetic-faces-128x128.py')


def demo_config(args, data_root):
    """The demo config with the command line's changes applied."""
    cfg = Config.fromfile(args.config)
    cfg.work_dir = args.work_dir
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[name].dataset.data_root = data_root
        if args.size:
            for step in cfg[name].dataset.pipeline:
                if step.type == 'Resize':
                    step.scale = (args.size, args.size)
    if args.size:
        cfg.model.data_preprocessor.size = (args.size, args.size)
    if args.iters:
        iters = args.iters
        cfg.train_cfg.max_iters = iters
        cfg.train_cfg.val_interval = iters
        cfg.default_hooks.checkpoint.interval = iters
        cfg.default_hooks.logger.interval = min(
            cfg.default_hooks.logger.interval, max(1, iters // 5))
        for scheduler in cfg.param_scheduler:
            if scheduler.type == 'LinearLR':
                scheduler.end = min(scheduler.end, max(1, iters // 10))
            else:
                old_end = scheduler.end
                scheduler.end = iters
                if 'milestones' in scheduler:
                    scheduler.milestones = [
                        m * iters // old_end for m in scheduler.milestones
                    ]
    return cfg
