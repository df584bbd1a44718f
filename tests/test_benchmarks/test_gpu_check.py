# Copyright (c) segface-mmseg contributors. All rights reserved.
"""benchmarks/gpu_check.sh on the CPU at a tiny size, so that the GPU
check cannot rot where no GPU runs the suite."""
import os.path as osp
import sys

import pytest

from tests.helpers.utils import REPO_ROOT, run_script

pytestmark = [pytest.mark.slow, pytest.mark.subprocess]


def test_gpu_check_runs_on_the_cpu(tmp_path):
    out = tmp_path / 'gpu_check'
    code, output = run_script([
        'bash',
        osp.join(REPO_ROOT, 'benchmarks', 'gpu_check.sh'), '--device', 'cpu',
        '--size', '32', '--quick', '--out',
        str(out)
    ],
                              timeout=900,
                              PYTHON=sys.executable)
    assert code == 0, output[-4000:]
    parity = (out / 'parity.md').read_text().splitlines()
    assert parity[-1].endswith('| yes |')
    fps = (out / 'fps.md').read_text().splitlines()
    # MobileNetV3, batch 1 and 2, fp32 / fp16 / bf16
    assert len([line for line in fps if 'mobilenetv3' in line]) == 6
    assert 'fps' in (out / 'mmseg_benchmark.txt').read_text().lower()
    latency = (out / 'latency.md').read_text().splitlines()
    assert len(latency) == 4  # header, rule, batch 1 and 8
    assert 'Iter(train)' in (out / 'train.log').read_text()
    assert (out / 'summary.md').is_file()
    # the generated data and configs stay under --out
    assert (out / 'data' / 'img_dir' / 'test').is_dir()
