# Copyright (c) segface-mmseg contributors. All rights reserved.
# Adapted from MMSegmentation 1.2.2 tools/test.py (Apache-2.0,
# Copyright (c) OpenMMLab): same flags; distributed runs also work on a
# machine without a GPU (gloo, see segface_mmseg.engine.setup_launcher).
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from segface_mmseg.apis import apply_inference_policy
from segface_mmseg.checkpoints import CheckpointError, load_weights
from segface_mmseg.datasets.sample_checks import DatasetError, one_line
from segface_mmseg.engine import setup_launcher


def parse_args():
    parser = argparse.ArgumentParser(
        description='MMSeg test (and eval) a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir',
        help=('if specified, the evaluation metric results will be dumped'
              'into the directory as json'))
    parser.add_argument(
        '--out',
        type=str,
        help='The directory to save output prediction for offline evaluation')
    parser.add_argument(
        '--show', action='store_true', help='show prediction results')
    parser.add_argument(
        '--show-dir',
        help='directory where the painted images are saved, one per test '
        'image (under SHOW_DIR/vis_data/vis_image/)')
    parser.add_argument(
        '--wait-time', type=float, default=2, help='the interval of show (s)')
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
    parser.add_argument(
        '--tta', action='store_true', help='Test time augmentation')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed-precision testing (mmengine\'s TestLoop fp16 option: '
        'bf16 autocast on the CPU, fp16 on a GPU)')
    # When using PyTorch version >= 2.0.0, the `torch.distributed.launch`
    # will pass the `--local-rank` parameter to `tools/train.py` instead
    # of `--local_rank`.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)

    return args


def trigger_visualization_hook(cfg, args):
    default_hooks = cfg.default_hooks
    if 'visualization' in default_hooks:
        visualization_hook = default_hooks['visualization']
        # Turn on visualization
        visualization_hook['draw'] = True
        # every test image (mmseg's hook draws every 50th by default)
        visualization_hook['interval'] = 1
        if args.show:
            visualization_hook['show'] = True
            visualization_hook['wait_time'] = args.wait_time
        if args.show_dir:
            visualizer = cfg.visualizer
            visualizer['save_dir'] = args.show_dir
    else:
        raise RuntimeError(
            'VisualizationHook must be included in default_hooks.'
            'refer to usage '
            '"visualization=dict(type=\'VisualizationHook\')"')

    return cfg


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

    # the weights are loaded strictly below, not by the Runner (which only
    # warns about a checkpoint that does not fit the model)
    cfg.load_from = None

    if args.show or args.show_dir:
        cfg = trigger_visualization_hook(cfg, args)

    if args.amp:
        cfg.test_cfg = dict(
            cfg.get('test_cfg') or dict(type='TestLoop'), fp16=True)

    if args.tta:
        missing = [k for k in ('tta_pipeline', 'tta_model') if k not in cfg]
        if missing:
            raise SystemExit(f'{args.config}: --tta needs {missing} in the '
                             'config')
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
        cfg.tta_model.module = cfg.model
        cfg.model = cfg.tta_model

    # save the predictions: FaceParsingMetric does not write them, so
    # mmseg's IoUMetric (format_only) writes one label PNG per image
    if args.out is not None:
        evaluators = cfg.test_evaluator
        if not isinstance(evaluators, list):
            evaluators = [evaluators]
        cfg.test_evaluator = evaluators + [
            dict(type='IoUMetric', format_only=True, output_dir=args.out)
        ]
        # IoUMetric creates the folder on rank 0 only; every rank writes
        os.makedirs(args.out, exist_ok=True)

    # build the runner from config
    runner = Runner.from_cfg(cfg)
    try:
        load_weights(runner.model, args.checkpoint)
    except (CheckpointError, FileNotFoundError) as error:
        raise SystemExit(f'error: {error}')
    runner.logger.info(f'Load checkpoint from {args.checkpoint}')
    # micro-batches and the head's upscaling path of the model's device
    policy = apply_inference_policy(runner.model,
                                    next(runner.model.parameters()).device)
    runner.logger.info(f'Inference policy: {policy}')

    # start testing; data that cannot be used ends it with one line
    try:
        runner.test()
    except DatasetError as error:
        raise SystemExit(f'error: {one_line(error)}')


if __name__ == '__main__':
    main()
