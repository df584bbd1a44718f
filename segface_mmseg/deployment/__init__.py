# Copyright (c) segface-mmseg contributors. All rights reserved.
"""ONNX export (fp32 and int8) for :mod:`segface_runtime`; needs the
``[onnx]`` extra (onnx, onnxruntime), imported when used."""
from .calibration_images import CalibrationError, load_calibration_split
from .export_job import add_export_arguments, run_export
from .int8_check import Int8Tolerance, compare_labels, tolerance_failures
from .int8_export import (Int8RefusedError, export_int8, int8_report,
                          load_int8_images)
from .int8_quantization import (CALIBRATION_METHODS, INT8_RECIPES,
                                activation_products, quantize_int8)
from .onnx_cache import cached_onnx, cached_onnx_path
from .onnx_export import (SegFaceONNXWrapper, VerificationError, export,
                          export_metadata, verify)

__all__ = [
    'CALIBRATION_METHODS', 'CalibrationError', 'INT8_RECIPES',
    'Int8RefusedError', 'Int8Tolerance', 'SegFaceONNXWrapper',
    'VerificationError', 'activation_products', 'add_export_arguments',
    'cached_onnx', 'cached_onnx_path', 'compare_labels', 'export',
    'export_int8', 'export_metadata', 'int8_report', 'load_calibration_split',
    'load_int8_images', 'quantize_int8', 'run_export', 'tolerance_failures',
    'verify'
]
