# Copyright (c) segface-mmseg contributors. All rights reserved.
"""benchmarks/longtail.py as documented (``python -m benchmarks.longtail``
from the repository root), on a tiny run: both models train, the table and
the JSON are written."""
import json
import sys

from tests.helpers.utils import run_script


def test_longtail_runs_as_a_module_and_writes_its_table(tmp_path):
    work_dir, table = tmp_path / 'longtail', tmp_path / 'table.md'
    code, out = run_script([
        sys.executable, '-m', 'benchmarks.longtail', '--num-images', '12',
        '--image-size', '64', '--size', '32', '--iters', '2', '--nproc', '1',
        '--num-workers', '0', '--work-dir',
        str(work_dir), '--out',
        str(table)
    ],
                           timeout=600)
    assert code == 0, out[-3000:]
    text = table.read_text()
    for row in ('| eye_g (tail)', '| skin (head)', '**mean F1 (all 18)**',
                '| segface |', '| segformer |'):
        assert row in text, row
    with open(work_dir / 'longtail.json') as f:
        results = json.load(f)['results']
    assert set(results) == {'segface', 'segformer'}
    assert len(results['segface']['F1']) == 19
