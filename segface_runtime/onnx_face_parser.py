# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Face parsing with an exported SegFace ONNX file, onnxruntime, NumPy and
OpenCV alone (no torch, mmcv or mmseg).

The file is what ``tools/deployment/pytorch2onnx.py`` (or ``segface
export``) writes: input ``B x 3 x H x W`` float32 RGB 0-255 (normalisation
is inside the graph), output ``B x N x H x W`` logits, and metadata naming
the classes, their palette, the network size and the test pipeline's
resize. Each image is resized as that pipeline does (to the network size,
aspect ratio not kept; see :mod:`.pipeline_resize`), and the logits are
resized back to the image (bilinear, half-pixel centres, as mmseg does)
before the argmax.
"""
import json
import os.path as osp
from typing import Dict, List, Optional, Sequence

import cv2
import numpy as np

from .pipeline_resize import check_pipeline_resize, resize_like_pipeline

# the input format every SegFace export declares in its metadata
INPUT_FORMAT = 'RGB float32 0-255, B x 3 x H x W'


class OnnxModelError(ValueError):
    """A file that is not a usable SegFace ONNX export; the message names
    it and the problem."""


def read_metadata(session, path: str) -> Dict[str, object]:
    """The export's metadata, checked against the model's input and output.

    Args:
        session (onnxruntime.InferenceSession): The loaded model.
        path (str): Its file (for messages).

    Returns:
        dict: ``classes`` (list of str), ``palette`` (N lists of RGB),
        ``resize`` (the test pipeline's: ``size`` ``(h, w)``,
        ``interpolation``, ``backend``), ``precision`` (``'fp32'`` or
        ``'int8'``).

    Raises:
        OnnxModelError: Missing metadata, or an input or output that is not
            that of a SegFace export.
    """
    props = session.get_modelmeta().custom_metadata_map
    if props.get('input_format') != INPUT_FORMAT or 'classes' not in props:
        raise OnnxModelError(
            f'{path}: not a SegFace export (its metadata declares input '
            f'format {props.get("input_format")!r}, expected '
            f'{INPUT_FORMAT!r}, and classes); export it with segface export')
    inputs, outputs = session.get_inputs(), session.get_outputs()
    shape = inputs[0].shape
    if (len(inputs) != 1 or inputs[0].type != 'tensor(float)'
            or len(shape) != 4 or shape[1] != 3):
        raise OnnxModelError(
            f'{path}: input {inputs[0].name} is {inputs[0].type} '
            f'{shape}; a SegFace export takes one float B x 3 x H x W input')
    classes = json.loads(props['classes'])
    channels = outputs[0].shape[1] if len(outputs[0].shape) == 4 else None
    if isinstance(channels, int) and channels != len(classes):
        raise OnnxModelError(f'{path}: {channels} output channels but '
                             f'{len(classes)} class names in its metadata')
    palette = json.loads(props.get('palette', 'null'))
    if not palette or len(palette) != len(classes):
        rng = np.random.RandomState(0)
        palette = rng.randint(0, 256, (len(classes), 3)).tolist()
    resize = json.loads(props.get('test_resize', '{}'))
    size = resize.get('size') or json.loads(props['input_shape'])
    resize = dict(
        size=(int(size[0]), int(size[1])),
        interpolation=resize.get('interpolation', 'bilinear'),
        backend=resize.get('backend', 'cv2'))
    try:
        check_pipeline_resize(resize['interpolation'], resize['backend'])
    except ValueError as error:
        raise OnnxModelError(f'{path}: test pipeline {error}') from None
    return dict(
        classes=list(classes),
        palette=[list(map(int, c)) for c in palette],
        resize=resize,
        precision=props.get('precision', 'fp32'))


class OnnxFaceParser:
    """Parse tight face crops with an exported SegFace ONNX file.

    Example:
        >>> parser = OnnxFaceParser('segface_mobilenet_512.onnx')
        >>> labels = parser.predict([cv2.imread('face.jpg')])[0]

    Args:
        onnx_file (str): The exported model.
        threads (int, optional): onnxruntime intra-op threads. Default:
            None (onnxruntime's choice).
        batch_size (int): Images per run. Default: 1.
        providers (Sequence[str], optional): onnxruntime execution
            providers. Default: the CPU's.
    """

    def __init__(self,
                 onnx_file: str,
                 threads: Optional[int] = None,
                 batch_size: int = 1,
                 providers: Optional[Sequence[str]] = None) -> None:
        import onnxruntime as ort
        if not osp.isfile(onnx_file):
            raise FileNotFoundError(f'{onnx_file}: no such ONNX file')
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        try:
            self.session = ort.InferenceSession(
                onnx_file,
                options,
                providers=list(providers or ['CPUExecutionProvider']))
        except Exception as error:  # onnxruntime raises its own types
            first_line = str(error).strip().splitlines()[0][:200]
            raise OnnxModelError(
                f'{onnx_file}: not an ONNX model onnxruntime can load '
                f'({first_line})') from None
        meta = read_metadata(self.session, onnx_file)
        self.onnx_file = onnx_file
        self.classes: List[str] = meta['classes']
        self.palette: List[List[int]] = meta['palette']
        self.resize = meta['resize']
        self.precision = meta['precision']
        self.batch_size = batch_size
        self.input_name = self.session.get_inputs()[0].name

    def network_input(self, images: Sequence[np.ndarray]) -> np.ndarray:
        """``B x 3 x h x w`` float32 RGB 0-255: each ``H x W x 3`` BGR
        uint8 image resized as the test pipeline does."""
        resized = [
            resize_like_pipeline(image, **self.resize) for image in images
        ]
        batch = np.stack(resized)[..., ::-1].transpose(0, 3, 1, 2)
        return np.ascontiguousarray(batch, dtype=np.float32)

    def logits(self, images: Sequence[np.ndarray]) -> List[np.ndarray]:
        """``N x H x W`` float32 logits of each image at its own size."""
        out = []
        for start in range(0, len(images), self.batch_size):
            chunk = images[start:start + self.batch_size]
            batch = self.session.run(
                None, {self.input_name: self.network_input(chunk)})[0]
            for image, logits in zip(chunk, batch):
                out.append(resize_logits(logits, image.shape[:2]))
        return out

    def predict(self,
                images: Sequence[np.ndarray],
                probs: bool = False) -> List[dict]:
        """Label maps (and class probabilities) of BGR uint8 images.

        Args:
            images (Sequence[np.ndarray]): ``H x W x 3`` uint8 BGR images.
            probs (bool): Also return the softmax probabilities.

        Returns:
            list[dict]: Per image ``labels`` (``H x W`` uint8 class ids) and,
            with ``probs``, ``probs`` (``N x H x W`` float32).
        """
        results = []
        for logits in self.logits(images):
            result = dict(labels=logits.argmax(0).astype(np.uint8))
            if probs:
                exp = np.exp(logits - logits.max(0, keepdims=True))
                result['probs'] = exp / exp.sum(0, keepdims=True)
            results.append(result)
        return results


def resize_logits(logits: np.ndarray, size: Sequence[int]) -> np.ndarray:
    """``N x h x w`` logits -> ``N x H x W`` (bilinear, half-pixel centres,
    as ``F.interpolate(..., align_corners=False)``)."""
    h, w = size
    if logits.shape[1:] == (h, w):
        return logits
    planes = [
        cv2.resize(plane, (w, h), interpolation=cv2.INTER_LINEAR)
        for plane in logits
    ]
    return np.stack(planes)
