# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Static post-training int8 quantization of an fp32 SegFace export with
onnxruntime's QDQ quantizer.

Weights are quantized per output channel (int8, symmetric, 7-bit range by
default), activations per tensor (uint8) from the ranges seen on
calibration images (their 99.999th percentiles by default). What stays
in fp32 (see :data:`INT8_RECIPES`): everything but convolutions and
products with a weight (``Conv``, ``MatMul``, ``Gemm``), so softmax, layer
and batch normalisation statistics, GELU and the resizes keep fp32; and,
by default, the products of two activations: attention scores and
weighted values, and the class-token x pixel-feature product that gives
each class its logit map.
"""
from typing import Iterable, List, Optional, Sequence

import numpy as np

# op types onnxruntime may quantize (the rest run in fp32 between
# DequantizeLinear and QuantizeLinear nodes)
QUANTIZED_OPS = ('Conv', 'MatMul', 'Gemm')
# onnxruntime's ways to choose activation ranges from calibration images
CALIBRATION_METHODS = ('MinMax', 'Entropy', 'Percentile')
INT8_RECIPES = {
    # products of two activations stay fp32
    'weights': dict(activation_products=False),
    # every Conv / MatMul / Gemm in int8
    'all': dict(activation_products=True),
}


def activation_products(onnx_model) -> List[str]:
    """Names of the ``MatMul`` nodes none of whose inputs is a constant
    (initializer or ``Constant`` output): attention ``Q K^T`` and
    ``softmax V``, and the class-token x feature products.

    Args:
        onnx_model (onnx.ModelProto): An fp32 export.

    Returns:
        list[str]: Node names.
    """
    graph = onnx_model.graph
    constants = {init.name for init in graph.initializer}
    constants |= {
        out
        for node in graph.node if node.op_type == 'Constant'
        for out in node.output
    }
    return [
        node.name for node in graph.node
        if node.op_type == 'MatMul' and not any(name in constants
                                                for name in node.input)
    ]


class _ImageReader:
    """onnxruntime calibration reader: one network input per image."""

    def __init__(self, input_name: str, batches: Iterable[np.ndarray]):
        self.input_name = input_name
        self.batches = iter(batches)

    def get_next(self) -> Optional[dict]:
        batch = next(self.batches, None)
        return None if batch is None else {self.input_name: batch}


def quantize_int8(fp32_file: str,
                  int8_file: str,
                  calibration_inputs: Sequence[np.ndarray],
                  recipe: str = 'weights',
                  reduce_range: bool = True,
                  calibrate_method: str = 'Percentile') -> dict:
    """Write the int8 (QDQ) model of an fp32 export.

    Args:
        fp32_file (str): The fp32 export.
        int8_file (str): Where to write the int8 model.
        calibration_inputs (Sequence[np.ndarray]): ``1 x 3 x H x W``
            network inputs (RGB 0-255) of the calibration images.
        recipe (str): A key of :data:`INT8_RECIPES`. Default: ``'weights'``.
        reduce_range (bool): 7-bit weights, which avoid the saturation of
            the u8 x s8 products on x86 CPUs without VNNI (AVX2, AVX-512
            without VNNI; onnxruntime's kernels add pairs of products in
            int16 there). Default: True (the model may run on such a CPU);
            False only for VNNI / AMX / ARM targets.
        calibrate_method (str): One of :data:`CALIBRATION_METHODS`
            (99.999th percentile of each activation's magnitudes).
            Default: ``'Percentile'``.

    Returns:
        dict: The recipe as applied: ``recipe``, ``reduce_range``,
        ``calibrate_method``, ``calibration_images``, ``fp32_nodes`` (the
        excluded products).
    """
    import onnx
    from onnxruntime.quantization import (CalibrationMethod, QuantFormat,
                                          QuantType, quantize_static)
    if recipe not in INT8_RECIPES:
        raise ValueError(f'unknown int8 recipe {recipe!r}; recipes: '
                         f'{", ".join(INT8_RECIPES)}')
    model = onnx.load(fp32_file)
    excluded = ([] if INT8_RECIPES[recipe]['activation_products'] else
                activation_products(model))
    reader = _ImageReader(model.graph.input[0].name, calibration_inputs)
    quantize_static(
        fp32_file,
        int8_file,
        reader,
        quant_format=QuantFormat.QDQ,
        op_types_to_quantize=list(QUANTIZED_OPS),
        per_channel=True,
        reduce_range=reduce_range,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
        nodes_to_exclude=excluded,
        calibrate_method=getattr(CalibrationMethod, calibrate_method),
        extra_options=dict(WeightSymmetric=True))
    return dict(
        recipe=recipe,
        reduce_range=reduce_range,
        calibrate_method=calibrate_method,
        calibration_images=len(calibration_inputs),
        fp32_nodes=len(excluded))
