# Copyright (c) segface-mmseg contributors. All rights reserved.
"""int8 and bf16 against fp32 on a trained model, class by class.

Exports a checkpoint to ONNX (fp32), quantizes it with each int8 recipe of
``segface_mmseg.deployment`` (static QDQ, per-channel weights, calibrated on
the first ``--calib-num`` training images), and parses the test split with
``segface_runtime`` (fp32 and int8) and with ``FaceParser(amp='bf16')``.
Prints each class's F1 against the test labels (at the labels' size), the
mean F1 over the classes but background, and the share of pixels with the
fp32 label.

Each ``--variants`` entry is a recipe with optional ``/``-separated
modifiers of :func:`quantize_int8`'s defaults: ``full-range`` (8-bit
weights, no ``reduce_range``) and a calibration method (``MinMax``,
``Entropy``, ``Percentile``), e.g. ``weights/full-range/MinMax`` or
``all/Entropy``.

Example (the demo's checkpoint and data, ``make demo`` first)::

    python -m benchmarks.int8_accuracy
"""
import argparse
import os.path as osp
import shutil
import tempfile

import torch
from mmengine.config import Config

from segface_mmseg.apis import FaceParser, build_segmentor
from segface_mmseg.apis.inference_config import model_dataset_meta
from segface_mmseg.deployment import (CALIBRATION_METHODS, INT8_RECIPES,
                                      compare_labels, export,
                                      load_calibration_split, quantize_int8)
from segface_mmseg.deployment.int8_export import load_reference_labels
from segface_runtime import OnnxFaceParser, list_images
from . import cpu_description, repo_path, write_table
from .bf16_agreement import DEMO


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=DEMO)
    parser.add_argument(
        '--checkpoint', default='work_dirs/demo/best_mF1_iter_1000.pth')
    parser.add_argument('--data-root', help='default: the config\'s')
    parser.add_argument('--calib-num', type=int, default=64)
    parser.add_argument('--eval-num', type=int, default=1000)
    parser.add_argument(
        '--variants',
        nargs='+',
        default=list(INT8_RECIPES),
        help='RECIPE[/full-range][/MinMax|Entropy|Percentile]')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--out', help='also write the table (markdown)')
    return parser.parse_args()


def parse_variant(variant):
    """``'weights/full-range/MinMax'`` -> quantize_int8 arguments."""
    recipe, *modifiers = variant.split('/')
    options = dict(recipe=recipe)
    for modifier in modifiers:
        if modifier == 'full-range':
            options['reduce_range'] = False
        elif modifier in CALIBRATION_METHODS:
            options['calibrate_method'] = modifier
        else:
            raise SystemExit(f'{variant}: unknown modifier {modifier!r}')
    if recipe not in INT8_RECIPES:
        raise SystemExit(f'{variant}: unknown recipe; recipes: '
                         f'{", ".join(INT8_RECIPES)}')
    return options


def _labels(parser, images):
    return [r['labels'] for r in parser.predict(images)]


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    config, checkpoint = repo_path(args.config), repo_path(args.checkpoint)
    cfg = Config.fromfile(config)
    root = repo_path(args.data_root or cfg.test_dataloader.dataset.data_root)
    calib, held, files = load_calibration_split(
        osp.join(root, 'img_dir', 'train'), args.calib_num,
        osp.join(root, 'img_dir', 'test'), args.eval_num)
    refs = load_reference_labels(
        osp.join(root, 'ann_dir', 'test'), files, held)
    model, cfg, meta = build_segmentor(config, checkpoint)
    meta = model_dataset_meta(meta, cfg, checkpoint)
    work = tempfile.mkdtemp(prefix='segface_int8_accuracy_')
    try:
        fp32_file = osp.join(work, 'fp32.onnx')
        export(model, cfg, fp32_file, tuple(cfg.model.data_preprocessor.size),
               meta)
        fp32 = OnnxFaceParser(fp32_file, threads=args.threads)
        fp32_labels = _labels(fp32, held)
        inputs = [fp32.network_input([image]) for image in calib]
        columns = {}
        for number, variant in enumerate(args.variants):
            path = osp.join(work, f'int8_{number}.onnx')
            quantize_int8(fp32_file, path, inputs, **parse_variant(variant))
            int8 = OnnxFaceParser(path, threads=args.threads)
            columns[f'int8 ({variant})'] = compare_labels(
                fp32_labels, _labels(int8, held), fp32.classes, refs)
        bf16 = FaceParser(config, checkpoint, amp='bf16')
        columns['bf16'] = compare_labels(
            fp32_labels, [r.labels for r in bf16.predict(held)], fp32.classes,
            refs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    names = list(columns)
    first = columns[names[0]]
    lines = [
        f'{osp.basename(config)}, {osp.basename(checkpoint)}: '
        f'{len(held)} test images ({len(list_images(osp.dirname(files[0])))}'
        f' in the split), calibration on {len(calib)} training images; '
        f'{cpu_description()}, F1 against the test '
        'labels at their size', '',
        '| class | pixels | fp32 F1 | ' + ' | '.join(f'{n} F1 (change)'
                                                     for n in names) + ' |',
        '|---|---:|---:|' + '---:|' * len(names)
    ]
    for i, row in enumerate(first['classes']):
        cells = []
        for name in names:
            other = columns[name]['classes'][i]
            cells.append(f'{other["int8_f1"]:.2f} '
                         f'({other["int8_f1"] - row["fp32_f1"]:+.2f})')
        lines.append(f'| {row["name"]} | {row["pixels"]} | '
                     f'{row["fp32_f1"]:.2f} | ' + ' | '.join(cells) + ' |')
    lines.append(
        '| **mean (no background)** | | '
        f'**{first["mean_fp32_f1"]:.2f}** | ' + ' | '.join(
            f'**{columns[n]["mean_int8_f1"]:.2f}** '
            f'({columns[n]["mean_int8_f1"] - first["mean_fp32_f1"]:+.2f})'  # noqa: E501
            for n in names) + ' |')
    lines.append('| pixels with the fp32 label | | 100% | ' +
                 ' | '.join(f'{100 * columns[n]["agreement"]:.2f}%'
                            for n in names) + ' |')
    print('\n'.join(lines))
    if args.out:
        write_table(args.out, lines)


if __name__ == '__main__':
    main()
