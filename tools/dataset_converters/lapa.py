# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Convert the LaPa download to mmseg's layout with 5-point landmarks.

Example::

    python tools/dataset_converters/lapa.py /path/to/LaPa -o data/lapa \
        --nproc 8
"""
import argparse
import os
import sys

from segface_mmseg.datasets.converters import ConversionError, convert_lapa

__all__ = ['convert_lapa', 'main']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert LaPa to mmseg format, with the 5 alignment '
        'points SegFace derives from the 106 landmarks.')
    parser.add_argument(
        'raw_root', help='the LaPa folder with train/, val/ and test/')
    parser.add_argument(
        '-o', '--out-dir', default='data/lapa', help='output folder')
    parser.add_argument(
        '--nproc',
        type=int,
        default=min(8,
                    os.cpu_count() or 1),
        help='number of processes')
    parser.add_argument(
        '--splits',
        nargs='+',
        default=['train', 'val', 'test'],
        help='split folders to convert')
    parser.add_argument(
        '--skip-bad',
        action='store_true',
        help='skip and list bad input files instead of stopping')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        convert_lapa(
            args.raw_root,
            args.out_dir,
            nproc=args.nproc,
            splits=args.splits,
            skip_bad=args.skip_bad)
    except ConversionError as err:
        sys.exit(f'error: {err}')


if __name__ == '__main__':
    main()
