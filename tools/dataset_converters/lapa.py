# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Convert the LaPa download to mmseg's layout with 5-point landmarks.

Example::

    python tools/dataset_converters/lapa.py /path/to/LaPa -o data/lapa \
        --nproc 8
"""
from segface_mmseg.datasets.preparation import (convert_lapa,
                                                converter_arg_parser,
                                                run_converter)

__all__ = ['convert_lapa', 'main']


def parse_args(argv=None):
    parser = converter_arg_parser(
        'Convert LaPa to mmseg format, with the 5 alignment points SegFace '
        'derives from the 106 landmarks.',
        raw_help='the LaPa folder with train/, val/ and test/',
        default_out='data/lapa')
    parser.add_argument(
        '--splits',
        nargs='+',
        default=['train', 'val', 'test'],
        help='split folders to convert')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    run_converter(convert_lapa, args, splits=args.splits)


if __name__ == '__main__':
    main()
