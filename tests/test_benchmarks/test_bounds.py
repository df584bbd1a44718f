# Copyright (c) segface-mmseg contributors. All rights reserved.
"""benchmarks/bounds.py: the bound columns of ``latency.py --bounds``."""
from benchmarks.bounds import BOUND_COLUMNS, bound_cells, gemm_rate


def test_bound_cells_by_hand():
    # 600 ms plugin, 1200 ms reference, 200 ms of backbone on both sides,
    # 8 GMAC at 32 GMAC/s: head and neck 400 vs 1000 ms, floor 250 ms
    cells = bound_cells(0.6, 1.2, 0.2, 8.0, 32.0)
    assert dict(zip(BOUND_COLUMNS, cells)) == {
        'backbone ms': '200',
        'ratio bound (head and neck free)': '0.17x',
        'head + neck ratio': '0.40x',
        'GEMM GMAC/s': '32.0',
        'GEMM floor ms': '250',
    }


def test_gemm_rate_is_a_plausible_cpu_rate():
    rate = gemm_rate(repeat=1)
    # one fp32 core does at least ~1 GMAC/s; no CPU here does 10 TMAC/s
    assert 1.0 < rate < 10_000.0
