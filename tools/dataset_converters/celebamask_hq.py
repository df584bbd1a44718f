# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Convert the CelebAMask-HQ download to mmseg's layout.

Example::

    python tools/dataset_converters/celebamask_hq.py \
        /path/to/CelebAMask-HQ -o data/celebamask_hq --nproc 8

``list_eval_partition.txt`` (CelebA's partition, from the CelebA download)
is expected in the download folder; ``--partition-file`` points elsewhere.
"""
import argparse
import os
import sys

from segface_mmseg.datasets.converters import (ConversionError,
                                               convert_celebamask_hq)

__all__ = ['convert_celebamask_hq', 'main']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert CelebAMask-HQ to mmseg format: merge the part '
        'masks in SegFace order, resize images to 512, split by the CelebA '
        'partition.')
    parser.add_argument('raw_root', help='the CelebAMask-HQ download folder')
    parser.add_argument(
        '-o', '--out-dir', default='data/celebamask_hq', help='output folder')
    parser.add_argument(
        '--nproc',
        type=int,
        default=min(8,
                    os.cpu_count() or 1),
        help='number of processes')
    parser.add_argument(
        '--partition-file',
        help='CelebA list_eval_partition.txt (default: in raw_root)')
    parser.add_argument(
        '--image-size',
        type=int,
        default=1024,
        help='expected image side; 0 accepts any square size')
    parser.add_argument(
        '--mask-size',
        type=int,
        default=512,
        help='part mask side, also the output size')
    parser.add_argument(
        '--jpeg-quality', type=int, default=95, help='output JPEG quality')
    parser.add_argument(
        '--skip-bad',
        action='store_true',
        help='skip and list bad input files instead of stopping')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        convert_celebamask_hq(
            args.raw_root,
            args.out_dir,
            nproc=args.nproc,
            partition_file=args.partition_file,
            image_size=args.image_size or None,
            mask_size=args.mask_size,
            jpeg_quality=args.jpeg_quality,
            skip_bad=args.skip_bad)
    except ConversionError as err:
        sys.exit(f'error: {err}')


if __name__ == '__main__':
    main()
