# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Export a SegFace config + checkpoint to ONNX (fp32, or int8 checked
class by class against fp32) for onnxruntime and ``segface_runtime``.

The graph takes ``input``: B x 3 x H x W float32 **RGB** pixels in 0-255
(normalisation is inside the graph) and returns ``logits``: B x N x H x W.
See :mod:`segface_mmseg.deployment` and docs/inference.md.

Examples:
    python tools/deployment/pytorch2onnx.py CONFIG CHECKPOINT \
        --output-file segface.onnx --shape 512 512
    python tools/deployment/pytorch2onnx.py CONFIG CHECKPOINT \
        --output-file segface_int8.onnx --int8 --calib-dir faces/ \
        --calib-num 64
"""
import argparse
import sys

from segface_mmseg.apis import build_segmentor
from segface_mmseg.deployment import (SegFaceONNXWrapper, add_export_arguments,
                                      run_export, verify)

# main, and what scripts that load this file use
__all__ = ['SegFaceONNXWrapper', 'build_segmentor', 'main', 'verify']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Export SegFace to ONNX and verify it with onnxruntime')
    parser.add_argument('config', help='model config file')
    parser.add_argument(
        'checkpoint', nargs='?', help='checkpoint (omit: random weights)')
    add_export_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    return run_export(args.config, args.checkpoint, args)


if __name__ == '__main__':
    sys.exit(main())
