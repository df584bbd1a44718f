# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``segface download``: fetch and convert released weights ahead of use
(for example on a connected machine, before working offline)."""
import argparse

from ..checkpoints import RELEASES
from ..utils.errors import ConversionError
from ..zoo import HubDownloadError, pretrained_checkpoint

DESCRIPTION = 'Download (Hugging Face hub cache) and convert released weights'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        'names', nargs='+', help='release names (see `segface list`)')
    parser.add_argument(
        '--force', action='store_true', help='download and convert again')


def run(args: argparse.Namespace) -> int:
    unknown = [name for name in args.names if name not in RELEASES]
    if unknown:
        raise SystemExit(f'error: unknown release(s) {", ".join(unknown)}; '
                         f'releases: {", ".join(RELEASES)}')
    for name in args.names:
        try:
            path = pretrained_checkpoint(name, force_download=args.force)
        except (HubDownloadError, ConversionError) as error:
            raise SystemExit(f'error: {error}')
        print(f'{name}: {path}')
    return 0
