# Copyright (c) segface-mmseg contributors. All rights reserved.
# Adapted from MMSegmentation 1.2.2 tools/train.py (Apache-2.0,
# Copyright (c) OpenMMLab): same flags; distributed runs also work on a
# machine without a GPU (gloo, see segface_mmseg.engine.setup_launcher).
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.runner import Runner
from mmseg.registry import RUNNERS

from segface_mmseg.checkpoints import (CheckpointError,
                                       find_resumable_checkpoint,
                                       read_checkpoint)
from segface_mmseg.datasets.sample_checks import DatasetError, one_line
from segface_mmseg.engine import enable_amp, setup_launcher


def parse_args():
    parser = argparse.ArgumentParser(description='Train a segmentor')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        action='store_true',
        default=False,
        help='resume from the latest checkpoint in the work_dir automatically')
    parser.add_argument(
        '--amp',
        action='store_true',
        default=False,
        help='enable automatic-mixed-precision training')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override some settings in the used config, the key-value pair '
        'in xxx=yyy format will be merged into config file. If the value to '
        'be overwritten is a list, it should be like key="[a,b]" or key=a,b '
        'It also allows nested list/tuple values, e.g. key="[(a,b),(c,d)]" '
        'Note that the quotation marks are necessary and that no white space '
        'is allowed.')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    # When using PyTorch version >= 2.0.0, the `torch.distributed.launch`
    # will pass the `--local-rank` parameter to `tools/train.py` instead
    # of `--local_rank`.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)

    return args


def main():
    args = parse_args()

    # load config (its custom_imports register the plugin)
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    # set the launcher; without a GPU, start gloo and adapt the config
    setup_launcher(cfg, args.launcher)

    # work_dir is determined in this priority: CLI > segment in file > filename
    if args.work_dir is not None:
        # update configs according to CLI args if args.work_dir is not None
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        # use config filename as default work_dir if cfg.work_dir is None
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])

    # enable automatic-mixed-precision training: mmengine's AmpOptimWrapper
    # (fp16) on GPUs, CPUAmpOptimWrapper (bf16) on the CPU
    if args.amp is True:
        try:
            enable_amp(cfg)
        except ValueError as error:
            raise SystemExit(f'error: {error}')

    # resume training: from the newest checkpoint of the work dir that
    # loads (a truncated last one is skipped with a warning)
    cfg.resume = args.resume
    if args.resume and cfg.get('load_from') is None:
        try:
            cfg.load_from = find_resumable_checkpoint(cfg.work_dir)
        except (CheckpointError, FileNotFoundError) as error:
            raise SystemExit(f'error: {error}')
    # a load_from that safe loading refuses, or that is no checkpoint: one
    # line, as --resume and tools/test.py say it (not mmengine's traceback)
    if cfg.get('load_from'):
        try:
            read_checkpoint(cfg.load_from, mmap=True)
        except (CheckpointError, FileNotFoundError) as error:
            raise SystemExit(f'error: load_from: {error}')

    # build the runner from config
    if 'runner_type' not in cfg:
        # build the default runner
        runner = Runner.from_cfg(cfg)
    else:
        # build customized runner from the registry
        # if 'runner_type' is set in the cfg
        runner = RUNNERS.build(cfg)

    # start training; data that cannot be used (a missing or empty split,
    # a label value beyond the classes) ends it with one line
    try:
        runner.train()
    except DatasetError as error:
        raise SystemExit(f'error: {one_line(error)}')


if __name__ == '__main__':
    main()
