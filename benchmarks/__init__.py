# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Benchmarks that print tables; run from the repository root as modules
(``python -m benchmarks.latency``). Shared here: where the repository is,
the configs the speed tables compare, and how a table is written."""
import os.path as osp
from typing import Sequence

from segface_runtime.atomic_files import atomic_write_bytes

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
# the two models the speed tables compare: the lightest and the default
MOBILENET_V3_512 = ('configs/segface/'
                    'segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512.py')
SWIN_B_512 = ('configs/segface/'
              'segface_swin-b_8xb4-300e_celebamask-hq-512x512.py')


def repo_path(path: str) -> str:
    """``path`` itself if absolute, else relative to the repository."""
    return path if osp.isabs(path) else osp.join(REPO, path)


def write_table(path: str, lines: Sequence[str]) -> None:
    """Write a markdown table, one line per item, atomically."""
    atomic_write_bytes(path, ('\n'.join(lines) + '\n').encode())
