# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Export a SegFace segmentor to ONNX, and check the file with onnxruntime.

The graph takes ``input``: B x 3 x H x W float32 **RGB** pixels in 0-255
(normalisation is inside the graph) and returns ``logits``: B x N x H x W
at the input resolution (argmax over N gives the label map). The batch is
dynamic; the spatial size is fixed unless ``dynamic_shape`` (then any size:
the graph pads to multiples of 32 and crops the logits). The metadata
(:func:`export_metadata`) names the classes, the palette, the input format
and the test pipeline's resize, all that :mod:`segface_runtime` needs.

Not supported: test-time augmentation, the LaPa alignment (the landmark
warp needs the landmarks as a second input), and sliding-window
inference; the in-the-wild face detection stays in Python.
"""
import json
import time
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from segface_runtime.onnx_face_parser import INPUT_FORMAT
from ..apis.inference_config import fixed_size_resize

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
    set_metadata(
        onnx_model,
        export_metadata(cfg, shape, dataset_meta, dynamic_shape, 'fp32'))
    onnx.save(onnx_model, output_file)
    return wrapper


def pipeline_resize_settings(cfg) -> dict:
    """The test pipeline's fixed-size resize: ``size`` ``(h, w)``,
    ``interpolation`` and ``backend`` (mmcv's defaults where unset).

    Raises:
        ValueError: The pipeline has no fixed-size resize.
    """
    transform = fixed_size_resize(cfg)
    if transform is not None:
        w, h = transform['scale']  # mmcv's scale is (w, h)
        return dict(
            size=[int(h), int(w)],
            interpolation=transform.get('interpolation', 'bilinear'),
            backend=transform.get('backend', 'cv2'))
    raise ValueError('the test pipeline has no fixed-size Resize '
                     '(keep_ratio=False): the runtime would not know how to '
                     'bring images to the network size')


def export_metadata(cfg,
                    shape,
                    dataset_meta=None,
                    dynamic_shape=False,
                    precision='fp32') -> dict:
    """The metadata of an export (string values, JSON where structured).

    Args:
        cfg (Config): The model config.
        shape (tuple[int, int]): ``(H, W)`` traced.
        dataset_meta (dict, optional): Classes and palette.
        dynamic_shape (bool): Whether H and W are dynamic.
        precision (str): ``'fp32'`` or ``'int8'``.

    Returns:
        dict: ``input_format``, ``output``, ``input_shape``,
        ``dynamic_shape``, ``mean``, ``std`` (applied inside the graph),
        ``test_resize`` (if the pipeline has one), ``precision``,
        ``classes`` and ``palette``.
    """
    pre = cfg.model.data_preprocessor
    meta = dict(
        input_format=INPUT_FORMAT,
        output='logits B x N x H x W',
        input_shape=json.dumps(list(shape)),
        dynamic_shape=json.dumps(bool(dynamic_shape)),
        mean=json.dumps([float(v) for v in pre.mean]),
        std=json.dumps([float(v) for v in pre.std]),
        precision=precision)
    try:
        resize = pipeline_resize_settings(cfg)
        resize['size'] = list(shape)  # the graph's, if --shape differs
        meta['test_resize'] = json.dumps(resize)
    except ValueError as error:
        warnings.warn(f'{error}; segface_runtime will resize bilinearly '
                      f'to {shape}')
    if dataset_meta:
        meta['classes'] = json.dumps(list(dataset_meta['classes']))
        if dataset_meta.get('palette') is not None:
            meta['palette'] = json.dumps(
                [list(map(int, c)) for c in dataset_meta['palette']])
    return meta


def set_metadata(onnx_model, meta: dict) -> None:
    """Replace the ``metadata_props`` of an ``onnx.ModelProto``."""
    del onnx_model.metadata_props[:]
    for key, value in meta.items():
        prop = onnx_model.metadata_props.add()
        prop.key, prop.value = key, value


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
