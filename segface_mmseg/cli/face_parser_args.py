# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Command-line options that build a :class:`FaceParser` (``segface parse``
and the demo scripts)."""
import argparse

import torch
from mmengine.config import DictAction

from ..apis.face_cropper import CROP_MODES
from ..apis.face_detectors import build_face_detector
from ..apis.face_parser import FaceParser
from ..checkpoints import CheckpointError
from ..utils.errors import ConversionError
from ..zoo import HubDownloadError


def _opacity(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(
            f'must be between 0 and 1, got {text}')
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f'must be at least 1, got {text}')
    return value


def add_face_parser_args(parser: argparse.ArgumentParser,
                         by_name: bool = False) -> None:
    """Add the model, precision, face-cropping and overlay options.

    Adds the model (``--model`` and ``--checkpoint`` with ``by_name``, else
    the positional ``config`` and ``checkpoint``) and ``--device``,
    ``--batch-size``, ``--amp``, ``--compile``, ``--in-the-wild``,
    ``--detector``, ``--detector-options``, ``--crop-mode``, ``--margin``,
    ``--opacity`` and ``--show-faces``.
    """
    if by_name:
        parser.add_argument(
            '--model',
            help='release name (see `segface list`), packaged config name '
            'or config file (required)')
        parser.add_argument(
            '--checkpoint',
            help="weights (an mmseg checkpoint or an official model_299.pt);"
            " default: the release's, downloaded and converted once")
    else:
        parser.add_argument('config', help='model config file')
        parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--device', default='cpu', help='torch device (default: %(default)s)')
    parser.add_argument(
        '--batch-size',
        type=_positive_int,
        default=1,
        help='images (or video frames) per forward')
    parser.add_argument(
        '--amp',
        choices=['fp16', 'bf16'],
        help='mixed-precision inference (fp16 on GPU, bf16)')
    parser.add_argument(
        '--compile',
        action='store_true',
        help='torch.compile the model (slow first batch)')
    parser.add_argument(
        '--in-the-wild',
        action='store_true',
        help='detect faces, parse each crop and paste the labels back '
        '(for photos that are not tight face crops)')
    parser.add_argument(
        '--detector',
        default='mtcnn',
        help='face detector of --in-the-wild: mtcnn (5 landmarks, default), '
        'haar, mmdet, or any registered FACE_DETECTORS type')
    parser.add_argument(
        '--detector-options',
        nargs='+',
        action=DictAction,
        default={},
        help='arguments of the detector, KEY=VALUE, e.g. for mmdet: '
        'config=det.py checkpoint=det.pth label=0')
    parser.add_argument(
        '--crop-mode',
        default='auto',
        choices=CROP_MODES,
        help='how faces are cut out (see FaceParser)')
    parser.add_argument(
        '--margin', type=float, default=0.4, help='box crop margin per side')
    parser.add_argument(
        '--opacity',
        type=_opacity,
        default=0.5,
        help='overlay opacity, 0 to 1')
    parser.add_argument(
        '--show-faces',
        action='store_true',
        help='draw detected boxes and landmarks on the overlay')


def build_face_parser(args: argparse.Namespace) -> FaceParser:
    """The FaceParser the options of :func:`add_face_parser_args` ask for.

    Exits with a message (no traceback) for a device that is not there and
    for a config or checkpoint that cannot be used.
    """
    if args.device.startswith('cuda') and not torch.cuda.is_available():
        raise SystemExit(f'error: --device {args.device}: no CUDA GPU is '
                         'available here (use --device cpu)')
    detector = None
    if args.in_the_wild:
        detector = dict(type=args.detector, **args.detector_options)
        try:
            detector = build_face_detector(detector)
        except (TypeError, KeyError, ImportError) as error:
            raise SystemExit(
                f'error: --detector {args.detector}: {error}; give its '
                'arguments with --detector-options KEY=VALUE')
    options = dict(
        device=args.device,
        detector=detector,
        crop_mode=args.crop_mode,
        margin=args.margin,
        batch_size=args.batch_size,
        amp=args.amp,
        compile=args.compile)
    if 'model' in args and args.model is None:
        raise SystemExit('error: --model is required')
    try:
        if getattr(args, 'model', None) is not None:
            return FaceParser.from_pretrained(args.model, args.checkpoint,
                                              **options)
        return FaceParser(args.config, args.checkpoint, **options)
    except (CheckpointError, ConversionError, HubDownloadError,
            FileNotFoundError, ValueError) as error:
        raise SystemExit(f'error: {error}')
