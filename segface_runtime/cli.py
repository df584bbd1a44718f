# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``segface-onnx`` (or ``python -m segface_runtime``): parse face crops
with an exported ONNX file, without torch.

Example::

    segface-onnx segface_mobilenet_512.onnx face.jpg photos/ --overlay
"""
import argparse
import sys

from .label_outputs import ImageOutputs
from .onnx_face_parser import OnnxFaceParser, OnnxModelError
from .parse_files import collect_images, parse_files


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """``--out-dir``, ``--recursive``, ``--overlay``, ``--masks``,
    ``--soft-masks``, ``--opacity`` (shared with ``segface parse``)."""
    parser.add_argument(
        '--out-dir',
        default='segface_outputs',
        help='output folder (default: %(default)s)')
    parser.add_argument(
        '--recursive', action='store_true', help='also read sub-folders')
    parser.add_argument(
        '--overlay',
        action='store_true',
        help='write colour overlays (vis/<name>.jpg, with a legend)')
    parser.add_argument(
        '--masks',
        action='store_true',
        help='write one 0/255 mask per class (masks/<name>/)')
    parser.add_argument(
        '--soft-masks',
        action='store_true',
        help='write each class probability as a 0-255 image '
        '(soft_masks/<name>/)')


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(
            f'must be between 0 and 1, got {text}')
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='segface-onnx',
        description='Parse face crops with an exported SegFace ONNX file '
        '(onnxruntime, NumPy and OpenCV only)')
    parser.add_argument('onnx', help='exported model (fp32 or int8)')
    parser.add_argument('inputs', nargs='+', help='image files and folders')
    add_output_arguments(parser)
    parser.add_argument(
        '--opacity', type=_fraction, default=0.5, help='overlay opacity')
    parser.add_argument(
        '--threads', type=int, default=None, help='onnxruntime threads')
    parser.add_argument(
        '--batch-size', type=int, default=1, help='images per run')
    return parser


def run_onnx(onnx_file: str, args: argparse.Namespace) -> int:
    """Parse ``args.inputs`` with ``onnx_file``; errors exit with one
    line."""
    try:
        files, names = collect_images(args.inputs, args.recursive)
        parser = OnnxFaceParser(
            onnx_file,
            threads=getattr(args, 'threads', None),
            batch_size=args.batch_size)
    except (OnnxModelError, FileNotFoundError, ValueError) as error:
        raise SystemExit(f'error: {error}')
    outputs = ImageOutputs(
        overlay=args.overlay,
        masks=args.masks,
        soft_masks=args.soft_masks,
        opacity=args.opacity)
    return parse_files(parser, files, names, args.out_dir, outputs)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return run_onnx(args.onnx, args)


if __name__ == '__main__':
    sys.exit(main())
