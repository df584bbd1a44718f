# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Convert the CelebAMask-HQ download to mmseg's layout.

Example::

    python tools/dataset_converters/celebamask_hq.py \
        /path/to/CelebAMask-HQ -o data/celebamask_hq --nproc 8

``list_eval_partition.txt`` (CelebA's partition, from the CelebA download)
is expected in the download folder; ``--partition-file`` points elsewhere.
Images are copied unchanged; run again on the output of an older version
(512 x 512 re-encoded images) to upgrade it in place.
"""
from segface_mmseg.datasets.preparation import (convert_celebamask_hq,
                                                converter_arg_parser,
                                                run_converter)

__all__ = ['convert_celebamask_hq', 'main']


def parse_args(argv=None):
    parser = converter_arg_parser(
        'Convert CelebAMask-HQ to mmseg format: merge the part masks in '
        'SegFace order, keep the images as downloaded, split by the CelebA '
        'partition.',
        raw_help='the CelebAMask-HQ download folder',
        default_out='data/celebamask_hq')
    parser.add_argument(
        '--partition-file',
        help='CelebA list_eval_partition.txt (default: in raw_root)')
    parser.add_argument(
        '--image-size',
        type=int,
        default=1024,
        help='expected image side; 0 accepts any square multiple of the '
        'mask side')
    parser.add_argument(
        '--mask-size', type=int, default=512, help='part mask side')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    run_converter(
        convert_celebamask_hq,
        args,
        partition_file=args.partition_file,
        image_size=args.image_size or None,
        mask_size=args.mask_size)


if __name__ == '__main__':
    main()
