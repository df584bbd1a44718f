# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Model-zoo tooling: FLOPs against the official model, mmseg's own
benchmark.py on our configs, the latency table, metafile.yaml."""
import glob
import json
import os
import os.path as osp
import subprocess
import sys

import mmseg
import pytest
import yaml

from segface_mmseg.apis import build_segmentor
from tests.helpers.tiny_model import (MOBILENET, save_checkpoint,
                                      write_tiny_config)
from tests.helpers.utils import (CONFIG_DIR, REPO_ROOT, build_model,
                                 load_script, write_mmseg_layout)

SEGFACE_DIR = osp.join(CONFIG_DIR, 'segface')


@pytest.fixture(scope='module')
def tiny_config(tmp_path_factory):
    return write_tiny_config(tmp_path_factory.mktemp('cfg'))


def _tool(name):
    return load_script('tools', 'analysis_tools', f'{name}.py')


def test_flops_match_the_official_model_mobilenetv3_512():
    get_flops = _tool('get_flops')
    model, _, _ = build_segmentor(MOBILENET)
    result = get_flops.complexity(model, (512, 512))
    # the official model counted by the same counter: 13.24 GMAC,
    # 7,035,824 parameters
    assert result['params'] == 7_035_824
    assert result['macs_unfolded'] / 1e9 == pytest.approx(13.24, rel=0.01)
    # folding removes exactly the 1x1 fuse conv at stride 4 (128 x 128,
    # 1024 -> 256), adds the same per-level maps as the Linears, and composes
    # the folded weights at every forward (256 x 256 @ 256 x C_i per level)
    saved = result['macs_unfolded'] - result['macs_folded']
    composing = 256 * 256 * sum([24, 40, 112, 960])
    assert saved == pytest.approx(128 * 128 * 1024 * 256 - composing, rel=1e-9)


def test_flops_match_the_official_model_swin_b_224():
    get_flops = _tool('get_flops')
    model, _, _ = build_segmentor(
        osp.join(SEGFACE_DIR,
                 'segface_swin-b_8xb4-300e_celebamask-hq-224x224.py'))
    result = get_flops.complexity(model, (224, 224))
    assert result['macs_unfolded'] / 1e9 == pytest.approx(17.95, rel=0.01)
    assert result['macs_folded'] < result['macs_unfolded']


def test_mmseg_benchmark_runs_unchanged_on_our_config(tmp_path):
    data_root = tmp_path / 'data'
    write_mmseg_layout(
        str(data_root), splits=('test', ), num_images=200, size=32)
    config = tmp_path / 'bench_cfg.py'
    config.write_text(f"""_base_ = {MOBILENET!r}
size = (32, 32)
model = dict(data_preprocessor=dict(size=size), backbone=dict(init_cfg=None))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=size, keep_ratio=False),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
test_dataloader = dict(
    num_workers=0, persistent_workers=False,
    dataset=dict(data_root={str(data_root)!r}, pipeline=test_pipeline))
""")
    ckpt = save_checkpoint(build_model(str(config)), tmp_path / 'm.pth')
    script = osp.join(
        osp.dirname(mmseg.__file__), '.mim', 'tools', 'analysis_tools',
        'benchmark.py')
    work_dir = tmp_path / 'work'
    env = dict(os.environ, OMP_NUM_THREADS='1')  # 200 tiny forwards
    run = subprocess.run([
        sys.executable, script,
        str(config), ckpt, '--work-dir',
        str(work_dir), '--log-interval', '100'
    ],
                         cwd=tmp_path,
                         env=env,
                         capture_output=True,
                         text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert 'Overall fps' in run.stdout
    (result, ) = glob.glob(str(work_dir / 'fps_*.json'))
    with open(result) as f:
        assert json.load(f)['average_fps'] > 0


def test_latency_table(tiny_config, capsys):
    latency = _tool('benchmark_latency')
    model, _, _ = build_segmentor(tiny_config)
    assert latency.measure(model, (64, 64), 'cpu', 'fp32', 1, 2) > 0
    latency.main([tiny_config, '--repeat', '2', '--warmup', '1'])
    rows = [
        line for line in capsys.readouterr().out.splitlines()
        if line.startswith('| segface_tiny')
    ]
    assert len(rows) == 1
    cells = [c.strip() for c in rows[0].strip('|').split('|')]
    assert cells[1:3] == ['64x64', 'fp32']
    ms, fps = float(cells[3]), float(cells[4])
    assert fps == pytest.approx(1000 / ms, rel=0.05)


def _metafile():
    with open(osp.join(SEGFACE_DIR, 'metafile.yaml')) as f:
        return yaml.safe_load(f)


def test_metafile_lists_every_config_once():
    models = _metafile()['Models']
    listed = sorted(m['Config'] for m in models)
    on_disk = sorted(
        osp.relpath(p, REPO_ROOT)
        for p in glob.glob(osp.join(SEGFACE_DIR, '*.py')))
    assert listed == on_disk
    names = [m['Name'] for m in models]
    assert len(set(names)) == len(names)
    for model in models:
        assert model['Name'] == osp.splitext(osp.basename(model['Config']))[0]
        assert model['In Collection'] == 'SegFace'


def test_metafile_results_are_the_papers():
    # the paper's tables (arXiv 2412.08647) and the official README
    expected = {
        'segface_swin-b_8xb4-300e_celebamask-hq-512x512': (88.96, 81.55),
        'segface_mobilenetv3-l_8xb4-300e_celebamask-hq-512x512':
        (87.91, 79.98),
        'segface_convnext-b_8xb4-300e_celebamask-hq-512x512': (89.22, None),
        'segface_swin-b_8xb4-300e_lapa-448x448': (93.03, None),
    }
    models = {m['Name']: m for m in _metafile()['Models']}
    for name, (mf1, miou) in expected.items():
        metrics = models[name]['Results'][0]['Metrics']
        assert metrics['mF1'] == mf1
        assert metrics.get('mIoU') == miou
    index = yaml.safe_load(open(osp.join(REPO_ROOT, 'model-index.yml')))
    assert index['Import'] == ['configs/segface/metafile.yaml']
