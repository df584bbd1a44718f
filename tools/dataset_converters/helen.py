# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Convert the relabeled Helen download to mmseg's layout, cropped around
the face as the official code does.

Example::

    python tools/dataset_converters/helen.py /path/to/helen -o data/helen \
        --nproc 8
"""
from segface_mmseg.datasets.preparation import (convert_helen,
                                                converter_arg_parser,
                                                run_converter)

__all__ = ['convert_helen', 'main']


def parse_args(argv=None):
    parser = converter_arg_parser(
        'Convert relabeled Helen to mmseg format: the official landmark '
        'crop, and 5 alignment points from the 68 landmarks.',
        raw_help='the helen folder with train/, test/, landmarks.txt',
        default_out='data/helen')
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
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    run_converter(
        convert_helen,
        args,
        splits=args.splits,
        landmark_scale=args.landmark_scale)


if __name__ == '__main__':
    main()
