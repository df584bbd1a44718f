# Copyright (c) segface-mmseg contributors. All rights reserved.
"""int8 recipes side by side: onnxruntime's QDQ and OpenVINO with NNCF.

Exports a config (random weights) as ``tools/deployment/pytorch2onnx.py``
does and times, interleaved in one process at batch 1: the plain
re-statement of the official code (the ratio's base), and for each runtime
its fp32 model and its int8 model calibrated on the timed input:

- ``onnxruntime``: the package's recipe (:func:`quantize_int8`);
- ``openvino``: the same ONNX file read by OpenVINO, quantized by NNCF's
  post-training quantization (``model_type=TRANSFORMER``, its recipe for
  attention models).

Each int8 model's labels are compared with its own fp32 model's (random
weights: near-tied logits, so this is a sanity check, not accuracy; the
accuracy of the package's recipe is ``benchmarks/int8_accuracy.py``'s).
OpenVINO and NNCF are not dependencies of the package:
``pip install openvino nncf``.

Example::

    python -m benchmarks.int8_runtimes --threads 1 --repeat 5
"""
import argparse

import numpy as np
import torch

from . import MOBILENET_V3_512, cpu_description, write_table
from .latency import build, timed
from .reference import reference_forward
from .runtimes import ONNXRuntimeModel, ort_session

RUNTIMES = ('onnxruntime', 'openvino')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='+', default=[MOBILENET_V3_512])
    parser.add_argument('--size', type=int, help='default: the config crop')
    parser.add_argument(
        '--runtimes', nargs='+', choices=RUNTIMES, default=list(RUNTIMES))
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--out', help='also write the table (markdown) here')
    return parser.parse_args(argv)


def onnxruntime_pair(onnx_model, threads):
    """``(fp32, int8)`` forwards of onnxruntime: raw RGB -> logits."""

    def session(path):
        run = ort_session(path, threads).run
        return lambda raw: run(None, {'input': raw})[0]

    return session(onnx_model.fp32_path), session(onnx_model.path)


def _openvino():
    """The ``nncf`` and ``openvino`` modules, or a clear error."""
    try:
        import nncf
        import openvino
    except ImportError as error:
        raise SystemExit(f'error: --runtimes openvino needs OpenVINO and '
                         f'NNCF (pip install openvino nncf): {error}')
    return nncf, openvino


def openvino_pair(onnx_model, raw, threads):
    """``(fp32, int8)`` forwards of OpenVINO's CPU plugin, int8 by NNCF
    calibrated on ``raw``."""
    nncf, ov = _openvino()
    core = ov.Core()
    fp32 = core.read_model(onnx_model.fp32_path)
    int8 = nncf.quantize(
        fp32,
        nncf.Dataset([raw]),
        model_type=nncf.ModelType.TRANSFORMER,
        subset_size=1)
    config = {'INFERENCE_NUM_THREADS': threads, 'NUM_STREAMS': 1}

    def compiled(model):
        request = core.compile_model(model, 'CPU',
                                     config).create_infer_request()
        return lambda x: request.infer({0: x})[0].copy()

    return compiled(fp32), compiled(int8)


def row(config, args):
    """Markdown cells of one config: times, ratios, label agreement."""
    model, cfg, size, name = build(config, args.size)
    model.eval()
    inputs = torch.randn(
        1, 3, size, size, generator=torch.Generator().manual_seed(0))
    onnx_model = ONNXRuntimeModel(model, cfg, size, inputs)
    raw = onnx_model.raw(inputs)
    forwards = {}
    for runtime in args.runtimes:
        pair = (
            onnxruntime_pair(onnx_model, args.threads) if runtime
            == 'onnxruntime' else openvino_pair(onnx_model, raw, args.threads))
        forwards[f'{runtime} fp32'], forwards[f'{runtime} int8'] = pair

    def reference():
        with torch.no_grad():
            return reference_forward(model, inputs)

    times = timed([reference] +
                  [lambda f=f: f(raw) for f in forwards.values()], args.repeat,
                  args.warmup)
    cells = [name, f'{times[0] * 1e3:.0f}']
    for i, runtime in enumerate(args.runtimes):
        fp32_ms, int8_ms = times[1 + 2 * i:3 + 2 * i]
        fp32, int8 = (
            forwards[f'{runtime} {kind}'](raw) for kind in ('fp32', 'int8'))
        same = (np.asarray(fp32).argmax(1) == np.asarray(int8).argmax(1))
        cells += [
            f'{fp32_ms * 1e3:.0f} ({fp32_ms / times[0]:.2f}x)',
            f'{int8_ms * 1e3:.0f} ({int8_ms / times[0]:.2f}x)',
            f'{int8_ms / fp32_ms:.2f}x', f'{same.mean():.2%}'
        ]
    return cells


def main(argv=None):
    args = parse_args(argv)
    if 'openvino' in args.runtimes:
        _openvino()  # fail before exporting anything
    torch.set_num_threads(args.threads)
    columns = ['model', 'reference ms']
    for runtime in args.runtimes:
        columns += [
            f'{runtime} fp32 ms (ratio)', f'{runtime} int8 ms (ratio)',
            f'{runtime} int8 / fp32', f'{runtime} int8 same labels as fp32'
        ]
    lines = ['| ' + ' | '.join(columns) + ' |', '|' + '---|' * len(columns)]
    print(f'{cpu_description()}, batch 1, {args.threads} thread(s), median '
          f'of {args.repeat} after {args.warmup} warm-up, interleaved')
    print('\n'.join(lines), flush=True)
    for config in args.configs:
        lines.append('| ' + ' | '.join(row(config, args)) + ' |')
        print(lines[-1], flush=True)
    if args.out:
        write_table(args.out, lines)


if __name__ == '__main__':
    main()
