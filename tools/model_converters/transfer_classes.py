# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Carry a SegFace checkpoint over to another class list.

Class tokens are matched by name; ``--map`` renames and merges (mean of the
sources), ``--new`` declares classes without a source; every other weight is
copied unchanged (segface_mmseg.checkpoints.class_transfer). The output
loads with ``load_from`` (its shapes fit the new model) or any tool of the
plugin. Examples::

    # the demo's 19 classes -> eyes, brows, ears merged, teeth new
    python tools/model_converters/transfer_classes.py \\
        work_dirs/demo/best_mF1_iter_1000.pth transferred.pth \\
        --classes-file data/own/classes.json \\
        --map eyes=l_eye+r_eye brows=l_brow+r_brow ears=l_ear+r_ear \\
        --new teeth

    # a CelebAMask-HQ checkpoint for LaPa's 11 classes
    python tools/model_converters/transfer_classes.py \\
        segface_swinb_celeba_512.pth celeba_to_lapa.pth \\
        --preset celebamask_hq-to-lapa

SRC is any SegFace checkpoint (of mmseg's Runner, of ``segface2mmseg.py``)
or an official ``model_299.pt`` (converted in memory). Its class names come
from its ``meta.dataset_meta`` (all of these have them) or ``--src-classes``.
"""
import argparse
import os.path as osp
import sys

import torch

from segface_mmseg.checkpoints import CheckpointError, read_mmseg_checkpoint
from segface_mmseg.checkpoints.class_transfer import (NEW_CLASS_INITS,
                                                      checkpoint_classes,
                                                      transfer_checkpoint)
from segface_mmseg.classes import (KNOWN_MAPPINGS, face_metainfo,
                                   read_classes_file)
from segface_mmseg.utils import ConversionError, atomic_output


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Carry a SegFace checkpoint over to another class list '
        '(class tokens matched by name).')
    parser.add_argument('src', help='source checkpoint (.pth)')
    parser.add_argument('dst', help='output checkpoint (.pth)')
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument(
        '--classes', nargs='+', metavar='NAME', help='new class names by id')
    target.add_argument(
        '--classes-file',
        help='classes.json of the new data (names, palette, left/right '
        'pairs)')
    target.add_argument(
        '--preset',
        choices=sorted(KNOWN_MAPPINGS),
        help='a shipped mapping between the built-in datasets')
    parser.add_argument(
        '--map',
        nargs='+',
        default=[],
        metavar='NEW=OLD[+OLD...]',
        help='renames (skin=face) and merges (eyes=l_eye+r_eye)')
    parser.add_argument(
        '--new',
        nargs='+',
        default=[],
        metavar='NAME',
        help='classes without a source')
    parser.add_argument(
        '--new-init',
        choices=NEW_CLASS_INITS,
        default='mean',
        help='initial token of a new class: the mean of all source tokens, '
        'or normal with their standard deviation (default: mean)')
    parser.add_argument('--seed', type=int, default=0, help='for normal')
    parser.add_argument(
        '--src-classes',
        nargs='+',
        metavar='NAME',
        help='the source\'s class names by id (default: from its meta)')
    return parser.parse_args(argv)


def parse_mapping(items):
    """``['eyes=l_eye+r_eye', 'skin=face']`` -> ``{'eyes': [...], ...}``."""
    mapping = {}
    for item in items:
        new, sep, old = item.partition('=')
        sources = [name for name in old.split('+') if name]
        if not sep or not new or not sources:
            raise ConversionError(f'--map {item!r}: expected NEW=OLD or '
                                  'NEW=OLD+OLD...')
        if new in mapping:
            raise ConversionError(f'--map: {new!r} is mapped twice')
        mapping[new] = sources
    return mapping


def target_of(args, checkpoint):
    """``(dataset_meta, mapping, new_classes)`` of the command line."""
    mapping, new = parse_mapping(args.map), list(args.new)
    if args.preset:
        preset = KNOWN_MAPPINGS[args.preset]
        src = tuple(args.src_classes or checkpoint_classes(checkpoint))
        if src != preset.src_classes:
            raise ConversionError(
                f'--preset {args.preset} is for a checkpoint of the classes '
                f'{preset.src_classes}, but it has {src}')
        meta = face_metainfo(preset.dst_classes, source=args.preset)
        mapping = dict(preset.mapping, **mapping)
        new = list(preset.new_classes) + [
            c for c in new if c not in preset.new_classes
        ]
    elif args.classes_file:
        meta = read_classes_file(args.classes_file)
    else:
        meta = face_metainfo(args.classes, source='--classes')
    return meta, mapping, new


def transfer_file(args) -> dict:
    """Read ``args.src``, transfer, write ``args.dst`` atomically; return the
    ``meta`` written."""
    if osp.exists(args.dst) and osp.samefile(args.src, args.dst):
        raise ConversionError(f'{args.dst}: is the source checkpoint; choose '
                              'another output file')
    try:
        checkpoint = read_mmseg_checkpoint(args.src)
        meta, mapping, new = target_of(args, checkpoint)
        result = transfer_checkpoint(checkpoint, meta, mapping, new,
                                     args.new_init, args.seed,
                                     args.src_classes, osp.basename(args.src))
    except ConversionError as error:
        raise ConversionError(f'{args.src}: {error}') from error
    with atomic_output(args.dst) as tmp:
        torch.save(result, tmp)
    return result['meta']


def main(argv=None):
    args = parse_args(argv)
    try:
        meta = transfer_file(args)
    except (CheckpointError, FileNotFoundError, ValueError) as error:
        sys.exit(f'error: {error}')
    print('\n'.join(meta['class_transfer']['classes']))
    print(f'wrote {args.dst}: {len(meta["dataset_meta"]["classes"])} classes')


if __name__ == '__main__':
    main()
