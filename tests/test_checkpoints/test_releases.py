# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The release table is the one source of the releases' facts: the
metafile is generated from it, and the README's and the model zoo's tables
agree with it."""
import os.path as osp
import re

import pytest

from segface_mmseg.checkpoints import RELEASES
from segface_mmseg.zoo import config_file, packaged_configs
from tests.helpers.utils import REPO_ROOT, load_script

TABLES = ('README.md', 'configs/segface/README.md')


def _write_metafile_tool():
    return load_script('tools', 'misc', 'write_metafile.py')


def _table_rows(path):
    """``(header cells, row cells)`` of every markdown table row."""
    rows, header = [], None
    with open(osp.join(REPO_ROOT, path)) as f:
        for line in f:
            if not line.startswith('|'):
                header = None
                continue
            cells = [c.strip() for c in line.strip().strip('|').split('|')]
            if header is None:
                header = cells
            elif not set(line) <= set('|- \n'):
                rows.append((header, cells))
    return rows


def test_the_committed_metafile_is_generated_from_the_table():
    tool = _write_metafile_tool()
    with open(tool.METAFILE) as f:
        assert f.read() == tool.metafile_text(), (
            'configs/segface/metafile.yaml is stale: run '
            'tools/misc/write_metafile.py')


def test_every_release_has_its_config():
    configs = packaged_configs()
    for name, release in RELEASES.items():
        assert osp.isfile(config_file(release.config)), name
        assert configs[release.model_name] == release.config
        assert f'{release.resolution}x{release.resolution}' in release.config


@pytest.mark.parametrize('path', TABLES)
def test_tables_show_the_release_facts(path):
    rows = [(h, c) for h, c in _table_rows(path)
            if any('mF1' in cell or 'mean F1' in cell for cell in h)]
    for name, release in RELEASES.items():
        config = osp.basename(release.config)
        mine = [(h, c) for h, c in rows if any(
            re.search(
                rf'(`{name}`|\({re.escape(config)}|'
                rf'/{re.escape(config)}\))', cell) for cell in c)]
        assert mine, f'{path}: no row for {name}'
        for header, cells in mine:
            score = next(cells[i] for i, h in enumerate(header)
                         if 'mF1' in h or 'mean F1' in h)
            expected = ('-', 'not published') if release.mf1 is None else (
                f'{release.mf1:.2f}', )
            assert score in expected, (path, name, score)
            dataset = [
                cells[i] for i, h in enumerate(header) if h == 'dataset'
            ]
            assert dataset in ([], [release.dataset]), (path, name)
