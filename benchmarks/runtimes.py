# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The other runtimes of ``benchmarks/latency.py``: bf16 autocast, and
ONNX Runtime on the model exported by ``tools/deployment/pytorch2onnx.py``,
fp32 or int8 (static QDQ, calibrated on the timed inputs).
"""
import os.path as osp
import tempfile

import torch

from segface_mmseg.deployment import export, quantize_int8


def bf16_forward(model):
    """``inputs -> logits`` of ``model`` under bf16 autocast (what
    ``FaceParser(amp='bf16')`` runs), returned as fp32."""

    def forward(inputs):
        with torch.autocast(inputs.device.type, dtype=torch.bfloat16):
            return model(inputs, mode='tensor').float()

    return forward


def ort_session(path: str, threads: int, profile_prefix: str = None):
    """An onnxruntime CPU session of an ONNX file on ``threads`` threads,
    one op at a time; with ``profile_prefix``, profiling into files named
    so (``session.end_profiling()`` gives the file)."""
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    if profile_prefix is not None:
        options.enable_profiling = True
        options.profile_file_prefix = profile_prefix
    return ort.InferenceSession(
        path, options, providers=['CPUExecutionProvider'])


class ONNXRuntimeModel:
    """The model exported by ``tools/deployment/pytorch2onnx.py`` (dynamic
    batch, normalisation inside the graph), run by onnxruntime's CPU
    provider.

    ``path`` is the file it runs (the int8 one when quantized),
    ``fp32_path`` the fp32 export.

    Args:
        model (nn.Module): The segmentor, in eval mode.
        cfg (Config): Its config (mean and std of the preprocessor).
        size (int): Input side.
        int8_calibration (torch.Tensor, optional): B x 3 x H x W normalised
            inputs; when given, the export is quantized to int8 (the
            default recipe of :func:`quantize_int8`) calibrated on them.
    """

    def __init__(self, model, cfg, size: int, int8_calibration=None) -> None:
        import onnxruntime  # noqa: F401 (fail early when it is missing)
        self._dir = tempfile.TemporaryDirectory()
        self.fp32_path = self.path = osp.join(self._dir.name, 'segface.onnx')
        export(model, cfg, self.path, (size, size))
        pre = cfg.model.data_preprocessor
        self.mean = torch.tensor(pre.mean).view(1, -1, 1, 1)
        self.std = torch.tensor(pre.std).view(1, -1, 1, 1)
        if int8_calibration is not None:
            self.path = osp.join(self._dir.name, 'segface_int8.onnx')
            raw = self.raw(int8_calibration)
            quantize_int8(self.fp32_path, self.path,
                          [raw[i:i + 1] for i in range(len(raw))])
        self._sessions = {}

    def raw(self, inputs):
        """Normalised inputs back to the 0-255 RGB the graph takes."""
        return (inputs * self.std + self.mean).numpy()

    def session(self, threads: int):
        """An onnxruntime session that runs on ``threads`` threads."""
        if threads not in self._sessions:
            self._sessions[threads] = ort_session(self.path, threads)
        return self._sessions[threads]

    def forward(self, threads: int):
        """``inputs -> logits`` on ``threads`` threads, for the normalised
        inputs the segmentor takes (turned back into 0-255 RGB, which the
        graph normalises again)."""
        session = self.session(threads)

        def forward(inputs):
            return torch.from_numpy(
                session.run(None, {'input': self.raw(inputs)})[0])

        return forward
