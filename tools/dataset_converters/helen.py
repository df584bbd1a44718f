# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Convert the relabeled Helen download to mmseg's layout, cropped around
the face as the official code does.

Example::

    python tools/dataset_converters/helen.py /path/to/helen -o data/helen \
        --nproc 8
"""
import argparse
import os
import sys

from segface_mmseg.datasets.converters import ConversionError, convert_helen

__all__ = ['convert_helen', 'main']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert relabeled Helen to mmseg format: the official '
        'landmark crop, and 5 alignment points from the 68 landmarks.')
    parser.add_argument(
        'raw_root', help='the helen folder with train/, test/, landmarks.txt')
    parser.add_argument(
        '-o', '--out-dir', default='data/helen', help='output folder')
    parser.add_argument(
        '--nproc',
        type=int,
        default=min(8,
                    os.cpu_count() or 1),
        help='number of processes')
    parser.add_argument(
        '--splits',
        nargs='+',
        default=['train', 'test'],
        help='split folders to convert')
    parser.add_argument(
        '--landmark-scale',
        type=float,
        default=0.5,
        help='factor from landmarks.txt coordinates to image pixels')
    parser.add_argument(
        '--skip-bad',
        action='store_true',
        help='skip and list bad input files instead of stopping')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        convert_helen(
            args.raw_root,
            args.out_dir,
            nproc=args.nproc,
            splits=args.splits,
            landmark_scale=args.landmark_scale,
            skip_bad=args.skip_bad)
    except ConversionError as err:
        sys.exit(f'error: {err}')


if __name__ == '__main__':
    main()
