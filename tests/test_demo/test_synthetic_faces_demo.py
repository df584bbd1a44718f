# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The demo (demo/synthetic_faces_demo.py) end to end, shortened (--quick)."""
import json
import os
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np

from segface_mmseg.classes import CELEBAMASK_HQ_CLASSES, palette_of
from tests.helpers.utils import REPO_ROOT


def test_quick_demo_draws_converts_trains_scores_and_paints(tmp_path):
    work_dir = tmp_path / 'demo'
    proc = subprocess.run([
        sys.executable,
        osp.join(REPO_ROOT, 'demo', 'synthetic_faces_demo.py'), '--quick',
        '--work-dir',
        str(work_dir), '--nproc', '1'
    ],
                          cwd=REPO_ROOT,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          text=True,
                          timeout=600)
    out = proc.stdout
    assert proc.returncode == 0, out[-3000:]

    # 1.-2. the raw download layout and its conversion
    raw = work_dir / 'data' / 'raw'
    assert (raw / 'CelebA-HQ-to-CelebA-mapping.txt').is_file()
    data = work_dir / 'data' / 'celebamask_hq'
    num_test = len(os.listdir(data / 'img_dir' / 'test'))
    assert num_test == 4  # 10% of 48

    # 3. mmseg's Runner trained (its log shows the progress)
    assert 'Iter(train) [6/6]' in out

    # 4. the per-class table, consistent with the saved scores
    result = json.loads((work_dir / 'per_class_f1.json').read_text())
    assert result['classes'] == list(CELEBAMASK_HQ_CLASSES)
    foreground = [np.nan if v is None else v for v in result['F1'][1:]]
    assert abs(np.nanmean(foreground) - result['mF1']) < 0.01
    assert result['test_images_with'][0] == num_test  # all have background
    for name, f1 in zip(CELEBAMASK_HQ_CLASSES, result['F1']):
        shown = '-' if f1 is None else f'{f1:.2f}'
        assert any(line.split()[:1] == [name] and shown in line.split()
                   for line in out.splitlines()), name
    assert (f'mean F1 over the 18 face classes (paper protocol, background '
            f'excluded): {result["mF1"]:.2f}') in out
    assert 'per-class results at network input (paper) resolution' in out

    # 5. pictures: image | prediction | ground truth, and the bar chart
    overlays = sorted(os.listdir(work_dir / 'overlays'))
    assert len(overlays) == 2
    palette = np.array(palette_of(CELEBAMASK_HQ_CLASSES), np.float64)
    for name in overlays:
        panel = cv2.cvtColor(
            cv2.imread(str(work_dir / 'overlays' / name)), cv2.COLOR_BGR2RGB)
        stem = osp.splitext(name)[0]
        split = next(
            s for s in ('train', 'val', 'test')
            if (data / 'img_dir' / s / f'{stem}.jpg').exists())
        assert split == 'test'
        image = cv2.cvtColor(
            cv2.imread(str(data / 'img_dir' / split / f'{stem}.jpg')),
            cv2.COLOR_BGR2RGB)
        label = cv2.imread(
            str(data / 'ann_dir' / split / f'{stem}.png'),
            cv2.IMREAD_UNCHANGED)
        h, w = label.shape
        # the drawn 128 px image, its 64 px masks repeated 2 x 2
        assert (h, w) == image.shape[:2] == (128, 128)
        # enlarged 2 times (nearest) to 256 pixels
        assert panel.shape == (2 * h, 2 * 3 * w, 3)
        panel = panel[::2, ::2]
        np.testing.assert_array_equal(panel[:, :w], image)
        expected_gt = np.round(0.5 * image + 0.5 * palette[label])
        np.testing.assert_array_equal(panel[:, 2 * w:], expected_gt)
    chart = cv2.imread(str(work_dir / 'per_class_f1.png'))
    assert chart.shape == (400, 1000, 3)
    assert str(work_dir / 'per_class_f1.png') in out
