# Copyright (c) segface-mmseg contributors. All rights reserved.
"""bf16 vs fp32 inference on a trained model: mean F1 and same labels.

Runs a trained checkpoint over a config's test split twice per batch, in
fp32 and under ``torch.autocast('cpu', dtype=torch.bfloat16)`` (what
``FaceParser(amp='bf16')`` does), and prints the paper-protocol mean F1
(``FaceParsingMetric``, at the network input resolution) of each and the
share of pixels whose predicted label is the same.

Example (the demo's checkpoint and data, ``make demo`` first)::

    python -m benchmarks.bf16_agreement
"""
import argparse
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmseg.registry import METRICS

from segface_mmseg.apis import build_segmentor
from . import repo_path

DEMO = 'configs/demo/segface_mobilenetv3-l_1xb8-1k_synthetic-faces-128x128.py'


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=DEMO)
    parser.add_argument(
        '--checkpoint', default='work_dirs/demo/best_mF1_iter_1000.pth')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--batch-size', type=int, default=8)
    return parser.parse_args()


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    cfg = Config.fromfile(repo_path(args.config))
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    loader_cfg = cfg.test_dataloader
    loader_cfg.dataset.data_root = repo_path(loader_cfg.dataset.data_root)
    loader_cfg.batch_size = args.batch_size
    loader_cfg.num_workers = 0
    loader_cfg.persistent_workers = False
    loader = Runner.build_dataloader(loader_cfg)
    model, _, _ = build_segmentor(
        repo_path(args.config), repo_path(args.checkpoint))
    model.eval()

    metrics = {}
    for name in ('fp32', 'bf16'):
        metrics[name] = METRICS.build(cfg.test_evaluator)
        metrics[name].dataset_meta = loader.dataset.metainfo
    same = total = 0
    with torch.no_grad():
        for batch in loader:
            preds = {}
            for name, metric in metrics.items():
                with torch.autocast(
                        'cpu', dtype=torch.bfloat16, enabled=name == 'bf16'):
                    samples = model.test_step(batch)
                metric.process(batch, [s.to_dict() for s in samples])
                preds[name] = torch.stack(
                    [s.net_pred_sem_seg.data for s in samples])
            same += (preds['fp32'] == preds['bf16']).sum().item()
            total += preds['fp32'].numel()
    scores = {
        name: metric.evaluate(len(loader.dataset))
        for name, metric in metrics.items()
    }
    print(f'{osp.basename(args.config)}, {osp.basename(args.checkpoint)}, '
          f'{len(loader.dataset)} test images, torch {torch.__version__}')
    print('| precision | mean F1 | same label as fp32 |')
    print('|---|---|---|')
    for name, score in scores.items():
        print(f"| {name} | {score['mF1']:.2f} | "
              f"{100 * (same / total if name == 'bf16' else 1):.2f}% |")
    gap = scores['bf16']['mF1'] - scores['fp32']['mF1']
    print(f'bf16 - fp32 mean F1: {gap:+.2f}')


if __name__ == '__main__':
    main()
