# Copyright (c) segface-mmseg contributors. All rights reserved.
"""benchmarks/profile_onnx.py: onnxruntime's per-op profile, fp32 vs int8."""
import sys

import pytest

from benchmarks import profile_onnx
from tests.helpers.tiny_model import MOBILENET


def _node(op, ts, dur):
    return dict(
        cat='Node',
        name=f'{op}_node_kernel_time',
        ts=ts,
        dur=dur,
        args=dict(op_name=op))


def test_op_times_average_the_runs_after_the_warmup():
    trace = [
        dict(cat='Session', name='model_run', ts=0, dur=100),  # warm-up
        _node('Conv', 10, 50_000),
        dict(cat='Session', name='model_run', ts=200, dur=100),
        _node('Conv', 210, 3000),
        _node('Softmax', 250, 1000),
        dict(cat='Session', name='model_run', ts=400, dur=100),
        _node('Conv', 410, 5000),
        dict(
            cat='Node',
            name='Conv_node_fence_before',
            ts=420,
            dur=7,
            args=dict(op_name='Conv')),
    ]
    assert profile_onnx.op_times(
        trace, warmup=1) == {
            'Conv': 4.0,  # (3 + 5) ms / 2 runs
            'Softmax': 0.5
        }
    with pytest.raises(ValueError, match='no run after the warm-up'):
        profile_onnx.op_times(trace, warmup=3)


@pytest.mark.parametrize('op, group',
                         [('QLinearConv', 'int8 kernels'),
                          ('MatMulIntegerToFloat', 'int8 kernels'),
                          ('DequantizeLinear', 'quantize / dequantize'),
                          ('Conv', 'fp32 ops'), ('MatMul', 'fp32 ops')])
def test_op_groups(op, group):
    assert profile_onnx.op_group(op) == group


def test_tiny_profile_table(tmp_path, monkeypatch, capsys):
    out = tmp_path / 'profile.md'
    monkeypatch.setattr(sys, 'argv', [
        'profile_onnx', '--config', MOBILENET, '--size', '64', '--repeat', '1',
        '--top', '1000', '--out',
        str(out)
    ])
    profile_onnx.main()
    lines = out.read_text().splitlines()
    assert '\n'.join(lines) in capsys.readouterr().out
    rows = [[c.strip() for c in line.strip('|').split('|')]
            for line in lines[2:]]
    ops = [row for row in rows if not row[0].startswith('**')]
    totals = {row[0].strip('*'): row for row in rows if row[0][0] == '*'}
    # every op type is listed (--top 1000): the group totals are the sums
    # of their rows, and the groups add up to all
    for group in profile_onnx.GROUPS:
        for column in (2, 3):
            listed = sum(float(r[column]) for r in ops if r[1] == group)
            total = float(totals[group][column].split()[0])
            assert total == pytest.approx(listed, abs=0.05 * len(ops) + 0.05)
    fp32_int8 = [float(totals[g][2]) for g in profile_onnx.GROUPS]
    assert fp32_int8[:2] == [0, 0]  # the fp32 model has no int8 kernel
    int8 = [float(totals[g][3].split()[0]) for g in profile_onnx.GROUPS]
    assert int8[0] > 0 and int8[1] > 0
    assert float(totals['all'][3]) == pytest.approx(sum(int8), abs=0.15)
