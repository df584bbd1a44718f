# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``segface config``: where a packaged config is, or a copy to build on.

A config of your own inherits from a packaged one through the file this
writes (``_base_ = ['./segface_swinb_celeba_512.py']``): the copy is the
whole config, its ``_base_`` files merged in.
"""
import argparse
import os.path as osp

from segface_runtime.output_files import output_errors
from ..utils import atomic_output
from ..zoo import get_config, resolve_config

DESCRIPTION = 'Print the file of a packaged config, or write a copy of it'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        'name', help='release name, packaged config name or config file')
    parser.add_argument(
        '--dump',
        metavar='FILE',
        help='write the whole config (its _base_ files merged in) to FILE')


def run(args: argparse.Namespace) -> int:
    try:
        path = resolve_config(args.name)
    except ValueError as error:
        raise SystemExit(f'error: {error}')
    if args.dump:
        # through a temporary file: a full disk never leaves half a config
        with output_errors(osp.dirname(osp.abspath(args.dump)), '--dump'):
            with atomic_output(args.dump) as tmp:
                get_config(path).dump(tmp)
        print(f'wrote {args.dump} (from {path})')
    else:
        print(path)
    return 0
