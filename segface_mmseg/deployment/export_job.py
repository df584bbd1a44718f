# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The export command line, shared by ``tools/deployment/pytorch2onnx.py``
and ``segface export``: fp32 export checked against PyTorch, or int8
(static QDQ) checked class by class against fp32 before it is written."""
import argparse
import os.path as osp
import shutil
import sys
import tempfile
import time
import warnings

from mmengine.config import DictAction

from ..apis import build_segmentor, network_input_size
from ..apis.inference_config import model_dataset_meta
from ..checkpoints import CheckpointError
from ..utils import atomic_output
from .calibration_images import CalibrationError
from .int8_check import Int8Tolerance
from .int8_export import Int8RefusedError, export_int8, load_int8_images
from .int8_quantization import CALIBRATION_METHODS, INT8_RECIPES
from .onnx_export import VerificationError, export, verify

# scaled dot-product attention and layer norm export from opset 14 on
MIN_OPSET = 14


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    """Every option after the model (config or name) and checkpoint."""
    parser.add_argument(
        '--output-file', default='segface.onnx', help='ONNX file to write')
    parser.add_argument(
        '--shape',
        type=int,
        nargs='+',
        default=None,
        help='input H W (default: the config\'s network size)')
    parser.add_argument(
        '--dynamic-shape',
        action='store_true',
        help='also make H and W dynamic (any size; padded inside the graph '
        'to multiples of 32)')
    parser.add_argument('--opset-version', type=int, default=17)
    parser.add_argument(
        '--verify-batch',
        type=int,
        default=2,
        help='batch size of the onnxruntime check (checks the dynamic batch)')
    parser.add_argument(
        '--atol',
        type=float,
        default=1e-3,
        help='largest allowed |logit difference| (default: %(default)s)')
    parser.add_argument(
        '--skip-verify', action='store_true', help='do not run onnxruntime')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value')
    int8 = parser.add_argument_group(
        'int8', 'static post-training quantization, checked against fp32 on '
        'held-out images before the file is written')
    int8.add_argument(
        '--int8', action='store_true', help='write an int8 (QDQ) model')
    int8.add_argument('--calib-dir', help='folder of calibration images')
    int8.add_argument(
        '--calib-num',
        type=int,
        default=64,
        help='calibration images (the first, by name; default: %(default)s)')
    int8.add_argument(
        '--eval-dir',
        help='held-out images (default: the calibration folder\'s images '
        'after the first --calib-num)')
    int8.add_argument(
        '--eval-num',
        type=int,
        default=50,
        help='held-out images compared (default: %(default)s)')
    int8.add_argument(
        '--eval-labels',
        help='folder of the held-out images\' label maps (<stem>.png); '
        'without it F1 is measured against fp32\'s labels')
    int8.add_argument(
        '--int8-recipe',
        default='weights',
        choices=list(INT8_RECIPES),
        help='weights: products of two activations (attention, class '
        'tokens x features) stay fp32; all: every Conv/MatMul in int8')
    int8.add_argument(
        '--reduce-range',
        action=argparse.BooleanOptionalAction,
        default=True,
        help='7-bit weights (default), exact on x86 CPUs without VNNI, '
        'whose u8 x s8 products saturate with 8-bit weights; '
        '--no-reduce-range for VNNI / AMX / ARM targets only')
    int8.add_argument(
        '--calibrate-method',
        default='Percentile',
        choices=CALIBRATION_METHODS,
        help='activation ranges from the calibration images '
        '(default: %(default)s, the 99.999th percentile)')
    tol = Int8Tolerance()
    int8.add_argument(
        '--min-agreement',
        type=float,
        default=tol.min_agreement,
        help='least share of pixels with fp32\'s label (default: '
        '%(default)s)')
    int8.add_argument(
        '--max-mean-f1-drop',
        type=float,
        default=tol.max_mean_f1_drop,
        help='largest mean F1 drop, points (default: %(default)s)')
    int8.add_argument(
        '--max-class-f1-drop',
        type=float,
        default=tol.max_class_f1_drop,
        help='largest F1 drop of any class, points (default: %(default)s)')
    int8.add_argument(
        '--min-class-pixels',
        type=int,
        default=tol.min_class_pixels,
        help='classes with fewer reference pixels are reported, not judged')
    int8.add_argument(
        '--accept',
        action='store_true',
        help='write the int8 model even beyond the tolerance')


def _check_arguments(args) -> None:
    if args.opset_version < MIN_OPSET:
        raise SystemExit(f'error: --opset-version {args.opset_version}: the '
                         f'model needs opset {MIN_OPSET} or later')
    if args.int8 and not args.calib_dir:
        raise SystemExit('error: --int8 needs --calib-dir (a folder of face '
                         'images like those the model will parse)')
    if args.int8 and args.calib_num < 1:
        raise SystemExit('error: --calib-num must be at least 1')
    if args.shape is not None and len(args.shape) not in (1, 2):
        raise SystemExit('error: --shape takes H [W]')


def _input_shape(args, cfg):
    if args.shape is None:
        try:
            return network_input_size(cfg)
        except ValueError as error:
            raise SystemExit(f'error: {error}; pass --shape H W')
    shape = (args.shape[0], args.shape[-1])
    if any(n < 32 or n % 32 for n in shape):
        raise SystemExit(f'error: --shape {shape[0]} {shape[1]}: H and W must '
                         'be positive multiples of 32')
    return shape


def export_and_verify(model, cfg, onnx_file, shape, meta, args) -> bool:
    """Export to ``onnx_file`` and check it with onnxruntime (unless
    ``--skip-verify``); prints a table. Returns whether a check failed."""
    start = time.perf_counter()
    try:
        wrapper = export(model, cfg, onnx_file, shape, meta,
                         args.dynamic_shape, args.opset_version)
    except Exception as error:
        raise SystemExit(f'error: ONNX export failed: '
                         f'{type(error).__name__}: {error}') from error
    print(f'Exported {args.output_file} (opset {args.opset_version}, input '
          f'{shape}, dynamic batch{", H, W" if args.dynamic_shape else ""})'
          f' in {time.perf_counter() - start:.1f} s')
    if args.skip_verify:
        return False
    checks = [shape]
    if args.dynamic_shape:  # another size, not a multiple of 32
        checks.append(
            (shape[0] + 40, shape[1] - 24 if shape[1] > 64 else shape[1] + 8))
    failed = False
    print('| input | max abs logit diff | argmax agreement | onnxruntime s '
          '| PyTorch s | ok |')
    print('|---|---|---|---|---|---|')
    for check in checks:
        result = verify(wrapper, onnx_file, check, args.verify_batch)
        ok = result['max_abs_diff'] <= args.atol
        failed |= not ok
        print(f"| {result['input_shape']} | {result['max_abs_diff']:.2e} | "
              f"{result['label_agreement']:.6f} | "
              f"{result['onnxruntime_s']:.3f} | {result['pytorch_s']:.3f} | "
              f"{'yes' if ok else 'NO'} |")
    return failed


def run_export(config, checkpoint, args) -> int:
    """Export ``config`` + ``checkpoint`` as ``args`` ask (see
    :func:`add_export_arguments`).

    Returns:
        int: 0 when written; 1 when a check failed (nothing written, an
        existing output kept as it was). Bad input exits with one line.
    """
    _check_arguments(args)
    try:
        images = load_int8_images(args) if args.int8 else None
    except CalibrationError as error:
        raise SystemExit(f'error: {error}')
    if checkpoint is None:
        warnings.warn('no checkpoint: exporting random weights')
    try:
        model, cfg, meta = build_segmentor(
            config, checkpoint, cfg_options=args.cfg_options)
        meta = model_dataset_meta(meta, cfg, checkpoint)
    except (CheckpointError, FileNotFoundError, ValueError) as error:
        raise SystemExit(f'error: {error}')
    shape = _input_shape(args, cfg)
    try:
        if not args.int8:
            # the file appears under its name only once exported and checked
            with atomic_output(args.output_file) as tmp:
                if export_and_verify(model, cfg, tmp, shape, meta, args):
                    raise VerificationError(
                        f'onnxruntime differs from PyTorch by more than '
                        f'{args.atol}; {args.output_file} was not written')
        else:
            work = tempfile.mkdtemp(prefix='segface_int8_')
            try:
                fp32_file = osp.join(work, 'fp32.onnx')
                if export_and_verify(model, cfg, fp32_file, shape, meta, args):
                    raise VerificationError(
                        f'the fp32 export differs from PyTorch by more than '
                        f'{args.atol}; {args.output_file} was not written')
                export_int8(fp32_file, args.output_file, args, images, work)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    except (VerificationError, Int8RefusedError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 1
    print(f'wrote {args.output_file}')
    return 0
