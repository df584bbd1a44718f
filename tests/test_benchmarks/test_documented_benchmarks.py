# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The README's benchmark commands, tiny, in process:
``python -m benchmarks.latency`` (its table holds the logit-parity check)
and ``tools/analysis_tools/get_flops.py``."""
import sys

import pytest

from tests.helpers.tiny_model import MOBILENET
from tests.helpers.utils import load_script


def _table_rows(text, first_cell):
    return [[c.strip() for c in line.strip('|').split('|')]
            for line in text.splitlines()
            if line.startswith(f'| {first_cell}')]


@pytest.mark.parametrize('train', [False, True])
def test_latency_table_tiny(tmp_path, monkeypatch, capsys, train):
    from benchmarks import latency
    out = tmp_path / 'latency.md'
    argv = [
        'latency', '--configs', MOBILENET, '--size', '64', '--batch-sizes',
        '2', '--threads', '1', '--repeat', '1', '--warmup', '0', '--out',
        str(out)
    ] + (['--train'] if train else [])
    monkeypatch.setattr(sys, 'argv', argv)
    latency.main()
    name = 'segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512'
    rows = _table_rows(capsys.readouterr().out, name)
    assert len(rows) == 1 and _table_rows(out.read_text(), name) == rows
    cells = rows[0]
    assert cells[1:4] == ['64', '2', '1']
    ours_ms, ref_ms = float(cells[4]), float(cells[5])
    assert float(cells[6]) == pytest.approx(2000 / ours_ms, rel=0.05)
    assert float(cells[7]) == pytest.approx(2000 / ref_ms, rel=0.05)
    if train:  # timed only (tests/test_engine checks the step's parity)
        assert cells[8:10] == ['nan', 'nan'] and cells[11:] == ['nan']
        # the ratio of the unrounded times: within what the whole-ms cells
        # and its own two decimals allow
        ratio = float(cells[10].rstrip('x'))
        assert (ours_ms - 0.5) / (ref_ms + 0.5) - 0.005 <= ratio <= \
            (ours_ms + 0.5) / (ref_ms - 0.5) + 0.005
        return
    # the folded neck does no more work (GMACs with 2 decimals); the
    # logits agree
    assert 0 < float(cells[8]) <= float(cells[9])
    assert float(cells[11]) <= 1e-4
    # the parity check can fail: a tolerance below float32 rounding
    monkeypatch.setattr(sys, 'argv', argv + ['--tolerance', '0'])
    with pytest.raises(RuntimeError, match='differ from the reference'):
        latency.main()


def test_get_flops_command_line(capsys):
    get_flops = load_script('tools', 'analysis_tools', 'get_flops.py')
    get_flops.main([MOBILENET, '--shape', '64'])
    get_flops.main([
        MOBILENET, '--shape', '64', '--cfg-options',
        'model.decode_head.num_classes=11'
    ])
    get_flops.main([MOBILENET, '--shape', '64', '48', '--counter', 'mmengine'])
    rows = _table_rows(capsys.readouterr().out, 'segface_mobilenetv3')
    assert [r[1] for r in rows] == ['64x64', '64x64', '64x48']
    # the official model's 7,035,824 parameters; 8 class tokens fewer
    assert [r[2] for r in rows] == ['7.036', '7.034', '7.036']
    assert float(rows[0][2]) - float(rows[1][2]) == pytest.approx(
        8 * 256 / 1e6, abs=1e-3)
    # (folding saves MACs at 512, not at 64: composing the weights costs
    # 256 x 256 per input channel whatever the size)
    for row in rows:
        assert float(row[3]) > 0 and float(row[4]) > 0
    # a 64x48 input has 3/4 of the pixels: about 3/4 of the MACs
    assert float(rows[2][3]) / float(rows[0][3]) == pytest.approx(
        0.75, rel=0.1)
