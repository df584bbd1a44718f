# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Released models exported to ONNX once and cached (``segface parse
--onnx RELEASE``)."""
import argparse
import os.path as osp

from ..zoo import cache_dir, resolve_model
from .export_job import add_export_arguments, run_export


def cached_onnx_path(release: str) -> str:
    """``$SEGFACE_CACHE/onnx/segface_<release>.onnx``."""
    return osp.join(cache_dir(), 'onnx', f'segface_{release}.onnx')


def cached_onnx(release: str) -> str:
    """The fp32 export of a release: from the cache, else exported (its
    weights downloaded and converted if needed), checked and cached.

    Raises:
        SystemExit: The export failed its check (one line).
    """
    path = cached_onnx_path(release)
    if osp.isfile(path):
        return path
    parser = argparse.ArgumentParser()
    add_export_arguments(parser)
    args = parser.parse_args(['--output-file', path])
    config, checkpoint = resolve_model(release)
    if run_export(config, checkpoint, args):
        raise SystemExit(f'error: the ONNX export of {release} failed its '
                         'check against PyTorch; nothing was cached')
    return path
