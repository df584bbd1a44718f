# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Face parsing with an exported SegFace ONNX file (fp32 or int8) on
onnxruntime, NumPy and OpenCV alone: no torch, mmcv or mmseg.

It is a top-level package of the ``segface-mmseg`` distribution, beside
``segface_mmseg`` (whose import registers the plugin in mmseg and so needs
torch): install the wheel with ``pip install --no-deps`` next to
``onnxruntime numpy opencv-python-headless``. The command is
``segface-onnx MODEL.onnx INPUTS`` (or ``python -m segface_runtime``);
``segface parse --onnx`` runs the same code.
"""
from .face_overlay import colorize, draw_faces, draw_legend, overlay
from .image_files import (IMAGE_EXTENSIONS, ImageReadError, list_images,
                          read_image)
from .label_outputs import ImageOutputs, write_label_outputs
from .onnx_face_parser import OnnxFaceParser, OnnxModelError
from .parse_files import collect_images, parse_files

__all__ = [
    'IMAGE_EXTENSIONS', 'ImageOutputs', 'ImageReadError', 'OnnxFaceParser',
    'OnnxModelError', 'collect_images', 'colorize', 'draw_faces',
    'draw_legend', 'list_images', 'overlay', 'parse_files', 'read_image',
    'write_label_outputs'
]
