# Copyright (c) segface-mmseg contributors. All rights reserved.
"""benchmarks/int8_runtimes.py: onnxruntime's rows, tiny, and a clear error
where OpenVINO is asked for and missing (it is not a dependency)."""
import builtins

import pytest

from benchmarks import int8_runtimes
from tests.helpers.tiny_model import MOBILENET


def test_onnxruntime_row_tiny(tmp_path, capsys):
    out = tmp_path / 'runtimes.md'
    int8_runtimes.main([
        '--configs', MOBILENET, '--size', '64', '--runtimes', 'onnxruntime',
        '--repeat', '1', '--warmup', '0', '--out',
        str(out)
    ])
    lines = out.read_text().splitlines()
    printed = capsys.readouterr().out.splitlines()
    assert all(line in printed for line in lines)
    assert len(lines) == 3
    cells = [c.strip() for c in lines[2].strip('|').split('|')]
    assert len(cells) == 6
    reference = float(cells[1])
    fp32_ms, fp32_ratio = cells[2].split()
    int8_ms, int8_ratio = cells[3].split()
    # each ratio is its time over the reference's (whole-ms cells)
    for ms, ratio in ((fp32_ms, fp32_ratio), (int8_ms, int8_ratio)):
        assert float(ratio.strip('()x')) == pytest.approx(
            float(ms) / reference, abs=0.01 + 1 / reference)
    assert 0 <= float(cells[5].rstrip('%')) <= 100


def test_openvino_missing_is_a_clear_error(monkeypatch, tmp_path):
    real_import = builtins.__import__

    def no_openvino(name, *args, **kwargs):
        if name in ('openvino', 'nncf'):
            raise ImportError(f'No module named {name!r}')
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, '__import__', no_openvino)
    with pytest.raises(SystemExit, match='pip install openvino nncf'):
        int8_runtimes.main([
            '--configs', MOBILENET, '--size', '64', '--runtimes', 'openvino',
            '--repeat', '1'
        ])
