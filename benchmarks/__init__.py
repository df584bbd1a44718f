# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Benchmarks that print tables; run from the repository root as modules
(``python -m benchmarks.latency``). Shared here: where the repository is,
the configs the speed tables compare, how a table is written and how the
CPU is named."""
import os.path as osp
import platform
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


# instruction sets that decide CPU speed here: (cpuinfo flag, name)
INSTRUCTION_SETS = (('avx2', 'AVX2'), ('fma', 'FMA'), ('avx512f', 'AVX-512'),
                    ('avx512_vnni', 'AVX-512 VNNI'), ('avx_vnni', 'AVX-VNNI'),
                    ('avx512_bf16', 'AVX-512 BF16'), ('amx_tile', 'AMX'))


def cpu_description(cpuinfo: str = '/proc/cpuinfo') -> str:
    """The CPU's model name and which of :data:`INSTRUCTION_SETS` it has
    and lacks, e.g. ``'AMD EPYC (AVX2, FMA; no AVX-512, ..., AMX)'``."""
    try:
        with open(cpuinfo) as f:
            text = f.read()
    except OSError:
        return platform.processor() or platform.machine()
    fields = {
        key.strip(): value.strip()
        for key, value in (line.split(':', 1) for line in text.splitlines()
                           if ':' in line)
    }
    flags = set(fields.get('flags', '').split())
    has = [name for flag, name in INSTRUCTION_SETS if flag in flags]
    lacks = [name for flag, name in INSTRUCTION_SETS if flag not in flags]
    name = fields.get('model name', platform.machine())
    return (f'{name} ({", ".join(has) or "none of the listed"}'
            f'{"; no " + ", ".join(lacks) if lacks else ""})')
