# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``segface convert``: an official ``model_299.pt`` -> an mmseg checkpoint.

The same command is ``tools/model_converters/segface2mmseg.py``.
"""
import argparse
import os.path as osp

from segface_runtime.output_files import output_errors
from ..checkpoints import OFFICIAL_BACKBONES, convert_official_file
from ..checkpoints.releases import RELEASES
from ..utils.errors import ConversionError
from ..zoo import config_file

DESCRIPTION = ('Convert an official SegFace checkpoint (model_299.pt) to an '
               'mmseg checkpoint for the segface_mmseg configs')


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('src', help='official checkpoint (model_299.pt)')
    parser.add_argument('dst', help='output checkpoint (.pth)')
    parser.add_argument(
        '--release',
        choices=sorted(RELEASES),
        help='which released model SRC is; default: the name of the folder '
        'holding SRC, if it is one of the releases')
    parser.add_argument(
        '--backbone',
        choices=sorted(OFFICIAL_BACKBONES),
        help='official --model name; default: detected from the keys')


def run(args: argparse.Namespace) -> int:
    print(f'converting {args.src} ...', flush=True)
    try:
        with output_errors(osp.dirname(osp.abspath(args.dst)), 'DST'):
            meta = convert_official_file(args.src, args.dst, args.release,
                                         args.backbone)
    except ConversionError as error:
        raise SystemExit(f'error: {error}')
    info = meta['segface']
    print(f"wrote {args.dst}: {info['backbone']}, {info['num_classes']} "
          'classes')
    if info['release']:
        print(f"release {info['release']}, config: "
              f"{config_file(RELEASES[info['release']].config)}")
    else:
        print('release unknown (pass --release to get its config)')
    return 0
