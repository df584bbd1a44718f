# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Export a SegFace config + checkpoint to ONNX and check it with
onnxruntime.

The graph takes ``input``: B x 3 x H x W float32 **RGB** pixels in 0-255
(normalisation is inside the graph) and returns ``logits``: B x N x H x W
at the input resolution (argmax over N gives the label map). The batch is
dynamic; the spatial size is fixed (``--shape``) unless ``--dynamic-shape``
(then any size: the graph pads to multiples of 32 and crops the logits).
Class names, palette and the input format are stored as ONNX metadata.

Example:
    python tools/deployment/pytorch2onnx.py CONFIG CHECKPOINT \
        --output-file segface.onnx --shape 512 512

Not supported: test-time augmentation, the LaPa alignment (the landmark
warp needs the landmarks as a second input), and sliding-window
inference; the in-the-wild face detection stays in Python.
"""
import argparse
import json
import sys
import time
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.config import DictAction

from segface_mmseg.apis import build_segmentor, network_input_size
from segface_mmseg.checkpoints import CheckpointError
from segface_mmseg.utils import atomic_output

# scaled dot-product attention and layer norm export from opset 14 on
MIN_OPSET = 14
# the backbones' total stride
SIZE_DIVISOR = 32


class SegFaceONNXWrapper(nn.Module):
    """Normalisation + the segmentor's tensor forward, for export.

    The network needs sides that are multiples of :data:`SIZE_DIVISOR`; an
    input of another size is padded (bottom and right, with the mean colour)
    and the logits cropped back, so the output always has the input's size.

    Args:
        segmentor (nn.Module): An mmseg ``EncoderDecoder``.
        mean (Sequence[float]): RGB mean of the data preprocessor.
        std (Sequence[float]): RGB std of the data preprocessor.
    """

    def __init__(self, segmentor, mean, std) -> None:
        super().__init__()
        self.segmentor = segmentor
        self.register_buffer('mean', torch.tensor(mean).view(1, -1, 1, 1))
        self.register_buffer('std', torch.tensor(std).view(1, -1, 1, 1))

    def forward(self, x):
        """B x 3 x H x W RGB 0-255 -> B x N x H x W logits."""
        h, w = x.shape[2:]
        x = (x - self.mean) / self.std
        # Pad to multiples of the divisor (0 = the mean colour after
        # normalisation), run, crop back: B x N x H x W
        x = F.pad(x, (0, (-w) % SIZE_DIVISOR, 0, (-h) % SIZE_DIVISOR))
        return self.segmentor(x, mode='tensor')[:, :, :h, :w]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Export SegFace to ONNX and verify it with onnxruntime')
    parser.add_argument('config', help='model config file')
    parser.add_argument(
        'checkpoint', nargs='?', help='checkpoint (omit: random weights)')
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
    return parser.parse_args(argv)


def export(model,
           cfg,
           output_file,
           shape,
           dataset_meta=None,
           dynamic_shape=False,
           opset_version=17):
    """Write the ONNX file (use :func:`atomic_output` around it).

    Args:
        model (nn.Module): Segmentor in eval mode.
        cfg (Config): Its config (for mean and std).
        output_file (str): Target path, written in place.
        shape (tuple[int, int]): ``(H, W)`` traced.
        dataset_meta (dict, optional): Classes and palette to store.
        dynamic_shape (bool): Make H and W dynamic. Default: False.
        opset_version (int): ONNX opset. Default: 17.

    Returns:
        SegFaceONNXWrapper: The exported module (for verification).
    """
    import onnx
    pre = cfg.model.data_preprocessor
    if not pre.get('bgr_to_rgb', False) and not pre.get('rgb_to_bgr', False):
        warnings.warn('the data preprocessor does not convert BGR to RGB; '
                      'the graph then expects the channel order the model '
                      'was trained on')
    wrapper = SegFaceONNXWrapper(model, pre.mean, pre.std).eval()
    dummy = torch.rand(1, 3, *shape) * 255
    axes = {0: 'batch'}
    if dynamic_shape:
        axes.update({2: 'height', 3: 'width'})
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter('ignore', torch.jit.TracerWarning)
        torch.onnx.export(
            wrapper,
            dummy,
            output_file,
            input_names=['input'],
            output_names=['logits'],
            dynamic_axes={
                'input': axes,
                'logits': axes
            },
            opset_version=opset_version,
            do_constant_folding=True,
            dynamo=False)
    onnx_model = onnx.load(output_file)
    onnx.checker.check_model(onnx_model)
    meta = dict(
        input_format='RGB float32 0-255, B x 3 x H x W',
        output='logits B x N x H x W',
        input_shape=json.dumps(list(shape)),
        dynamic_shape=json.dumps(bool(dynamic_shape)))
    if dataset_meta:
        meta['classes'] = json.dumps(list(dataset_meta['classes']))
        if dataset_meta.get('palette') is not None:
            meta['palette'] = json.dumps(
                [list(map(int, c)) for c in dataset_meta['palette']])
    for key, value in meta.items():
        prop = onnx_model.metadata_props.add()
        prop.key, prop.value = key, value
    onnx.save(onnx_model, output_file)
    return wrapper


class VerificationError(RuntimeError):
    """onnxruntime's logits differ from PyTorch's."""


def verify(wrapper, onnx_file, shape, batch=2, seed=0):
    """Compare onnxruntime with PyTorch on random 0-255 images.

    Returns:
        dict: ``max_abs_diff`` of the logits, ``label_agreement`` (share of
        equal argmax labels), timings and the checked input shape.
    """
    import onnxruntime as ort
    gen = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 256, (batch, 3, *shape), generator=gen).float()
    session = ort.InferenceSession(
        onnx_file, providers=['CPUExecutionProvider'])
    start = time.perf_counter()
    ort_out = session.run(None, {'input': x.numpy()})[0]
    ort_time = time.perf_counter() - start
    start = time.perf_counter()
    with torch.no_grad():
        torch_out = wrapper(x).numpy()
    torch_time = time.perf_counter() - start
    if ort_out.shape != torch_out.shape or ort_out.shape[2:] != shape:
        raise VerificationError(
            f'{onnx_file}: onnxruntime output {ort_out.shape}, PyTorch '
            f'output {torch_out.shape}, input {tuple(x.shape)}')
    return dict(
        input_shape=tuple(x.shape),
        max_abs_diff=float(np.abs(ort_out - torch_out).max()),
        label_agreement=float(
            (ort_out.argmax(1) == torch_out.argmax(1)).mean()),
        onnxruntime_s=ort_time,
        pytorch_s=torch_time)


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


def main(argv=None):
    args = parse_args(argv)
    if args.opset_version < MIN_OPSET:
        raise SystemExit(f'error: --opset-version {args.opset_version}: the '
                         f'model needs opset {MIN_OPSET} or later')
    if args.checkpoint is None:
        warnings.warn('no checkpoint: exporting random weights')
    try:
        model, cfg, meta = build_segmentor(
            args.config, args.checkpoint, cfg_options=args.cfg_options)
    except (CheckpointError, FileNotFoundError) as error:
        raise SystemExit(f'error: {error}')
    if args.shape is None:
        try:
            shape = network_input_size(cfg)
        except ValueError as error:
            raise SystemExit(f'error: {error}; pass --shape H W')
    elif len(args.shape) in (1, 2):
        shape = (args.shape[0], args.shape[-1])
    else:
        raise SystemExit('--shape takes H [W]')
    if any(n < 32 or n % 32 for n in shape):
        raise SystemExit(f'error: --shape {shape[0]} {shape[1]}: H and W must '
                         'be positive multiples of 32')
    try:
        # the file appears under its name only once exported and verified
        with atomic_output(args.output_file) as tmp:
            failed = export_and_verify(model, cfg, tmp, shape, meta, args)
            if failed:
                raise VerificationError(
                    f'onnxruntime differs from PyTorch by more than '
                    f'{args.atol}; {args.output_file} was not written')
    except VerificationError as error:
        print(f'error: {error}', file=sys.stderr)
        return 1
    print(f'wrote {args.output_file}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
