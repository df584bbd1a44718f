# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The other runtimes of ``benchmarks/latency.py``: bf16 autocast and
ONNX Runtime on the model exported by ``tools/deployment/pytorch2onnx.py``.
"""
import importlib.util
import os.path as osp
import tempfile

import torch

from . import repo_path


def bf16_forward(model):
    """``inputs -> logits`` of ``model`` under bf16 autocast (what
    ``FaceParser(amp='bf16')`` runs), returned as fp32."""

    def forward(inputs):
        with torch.autocast('cpu', dtype=torch.bfloat16):
            return model(inputs, mode='tensor').float()

    return forward


def _export_tool():
    path = repo_path(osp.join('tools', 'deployment', 'pytorch2onnx.py'))
    spec = importlib.util.spec_from_file_location('pytorch2onnx', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class ONNXRuntimeModel:
    """The model exported by ``tools/deployment/pytorch2onnx.py`` (dynamic
    batch, normalisation inside the graph), run by onnxruntime's CPU
    provider.

    Args:
        model (nn.Module): The segmentor, in eval mode.
        cfg (Config): Its config (mean and std of the preprocessor).
        size (int): Input side.
    """

    def __init__(self, model, cfg, size: int) -> None:
        import onnxruntime  # noqa: F401 (fail early when it is missing)
        self._dir = tempfile.TemporaryDirectory()
        self.path = osp.join(self._dir.name, 'segface.onnx')
        _export_tool().export(model, cfg, self.path, (size, size))
        pre = cfg.model.data_preprocessor
        self.mean = torch.tensor(pre.mean).view(1, -1, 1, 1)
        self.std = torch.tensor(pre.std).view(1, -1, 1, 1)
        self._sessions = {}

    def session(self, threads: int):
        """An onnxruntime session that runs on ``threads`` threads."""
        if threads not in self._sessions:
            import onnxruntime as ort
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            self._sessions[threads] = ort.InferenceSession(
                self.path, options, providers=['CPUExecutionProvider'])
        return self._sessions[threads]

    def forward(self, threads: int):
        """``inputs -> logits`` on ``threads`` threads, for the normalised
        inputs the segmentor takes (turned back into 0-255 RGB, which the
        graph normalises again)."""
        session = self.session(threads)

        def forward(inputs):
            raw = (inputs * self.std + self.mean).numpy()
            return torch.from_numpy(session.run(None, {'input': raw})[0])

        return forward
