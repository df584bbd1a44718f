# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Mixed-precision training on the CPU: step time and loss curve vs fp32.

Two copies of one model (same initial weights) train side by side on the
same batches, one in fp32 (``OptimWrapper``) and one under
``CPUAmpOptimWrapper`` (bf16 autocast, what ``tools/train.py --amp`` picks
without a GPU), with the config's optimizer and learning-rate schedule.
Their steps alternate (``model.train_step``: preprocessing, forward, loss,
backward, optimizer step), so a shared machine slows both alike. Prints the
median step time of each and their loss curves (means over windows of
iterations).

Example (the demo's config and data, ``make demo`` first)::

    python -m benchmarks.amp_training --iters 100 --threads 1
"""
import argparse
import copy
import os.path as osp
import statistics
import time

import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS, init_default_scope
from mmengine.runner import Runner
from mmseg.registry import MODELS

from segface_mmseg.engine import enable_amp
from . import repo_path, write_table

DEMO_CONFIG = 'configs/demo/segface_mobilenetv3-l_1xb8-1k_synthetic-faces-128x128.py'  # noqa: E501


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=DEMO_CONFIG)
    parser.add_argument('--iters', type=int, default=100)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--window', type=int, default=10)
    parser.add_argument('--out', help='also write the tables (markdown)')
    return parser.parse_args()


def build_trainers(cfg):
    """``(name, model, optim_wrapper, schedulers)`` for fp32 and bf16."""
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    trainers = []
    for name in ('fp32', 'bf16'):
        wrapper_cfg = copy.deepcopy(cfg.optim_wrapper)
        if name == 'bf16':
            holder = Config(dict(optim_wrapper=wrapper_cfg))
            enable_amp(holder, 'cpu')
            wrapper_cfg = holder.optim_wrapper
        copy_ = copy.deepcopy(model)
        wrapper = build_optim_wrapper(copy_, wrapper_cfg)
        schedulers = [
            PARAM_SCHEDULERS.build(dict(s, optimizer=wrapper))
            for s in copy.deepcopy(cfg.param_scheduler)
        ]
        trainers.append((name, copy_, wrapper, schedulers))
    return trainers


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    path = repo_path(args.config)
    cfg = Config.fromfile(path)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    dataset = cfg.train_dataloader.dataset
    dataset.data_root = repo_path(dataset.data_root)
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    loader = iter(Runner.build_dataloader(cfg.train_dataloader, seed=0))
    trainers = build_trainers(cfg)

    times = {name: [] for name, *_ in trainers}
    losses = {name: [] for name, *_ in trainers}
    for it in range(args.iters):
        batch = next(loader)
        # alternate which precision goes first
        for name, model, wrapper, schedulers in (trainers if it %
                                                 2 == 0 else trainers[::-1]):
            start = time.perf_counter()
            log_vars = model.train_step(batch, wrapper)
            times[name].append(time.perf_counter() - start)
            losses[name].append(
                float(torch.as_tensor(log_vars['loss']).detach()))
            for scheduler in schedulers:
                scheduler.step()
        print(
            f'iter {it + 1}: ' +
            ', '.join(f'{n} {losses[n][-1]:.4f} ({times[n][-1]:.2f} s)'
                      for n in times),
            flush=True)

    # the first iteration warms up; medians of the rest
    median = {n: statistics.median(t[1:] or t) for n, t in times.items()}
    lines = [
        f'{osp.basename(path)}, {args.iters} iterations, batch '
        f'{cfg.train_dataloader.batch_size}, {args.threads} thread(s), '
        f'torch {torch.__version__}', '',
        '| precision | median step ms | ratio to fp32 | final loss '
        f'(mean of last {args.window}) |', '|---|---|---|---|'
    ]
    for n in times:
        last = statistics.mean(losses[n][-args.window:])
        lines.append(f'| {n} | {median[n] * 1e3:.0f} | '
                     f"{median[n] / median['fp32']:.2f}x | {last:.4f} |")
    lines += [
        '', '| iterations | fp32 loss | bf16 loss | bf16 - fp32 |',
        '|---|---|---|---|'
    ]
    for start in range(0, args.iters, args.window):
        end = min(start + args.window, args.iters)
        a, b = (
            statistics.mean(losses[n][start:end]) for n in ('fp32', 'bf16'))
        lines.append(f'| {start + 1}-{end} | {a:.4f} | {b:.4f} | '
                     f'{b - a:+.4f} |')
    print('\n'.join(lines))
    if args.out:
        write_table(args.out, lines)


if __name__ == '__main__':
    main()
