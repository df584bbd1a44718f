# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``segface export``: a released model (or a config) to ONNX, fp32 or
int8, for onnxruntime and ``segface-onnx``.

Example::

    segface export mobilenet_celeba_512 --output-file mobilenet_int8.onnx \\
        --int8 --calib-dir faces/ --calib-num 64
"""
import argparse

from ..deployment import add_export_arguments, run_export
from ..utils.errors import ConversionError
from ..zoo import HubDownloadError, resolve_model

DESCRIPTION = 'Export a model to ONNX (fp32, or int8 checked against fp32)'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        'model', help='release name, packaged config name or config file')
    parser.add_argument(
        '--checkpoint',
        help="weights (default: the release's, downloaded and converted once)")
    add_export_arguments(parser)


def run(args: argparse.Namespace) -> int:
    try:
        config, checkpoint = resolve_model(args.model, args.checkpoint)
    except (ValueError, HubDownloadError, ConversionError) as error:
        raise SystemExit(f'error: {error}')
    return run_export(config, checkpoint, args)
