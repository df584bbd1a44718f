# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``mim search segface-mmseg`` in the test environment (the README's
``make install``: an editable install; the wheel is tested in
``test_wheel.py``)."""
import glob
import os.path as osp

from mim.commands.search import get_model_info

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_mim_search_lists_every_release_config():
    # mim's own search, local: it reads the installed package's
    # .mim/model-index.yml
    found = get_model_info('segface-mmseg', to_dict=True)
    configs = {
        osp.basename(path)[:-3]
        for path in glob.glob(osp.join(REPO, 'configs', 'segface', '*.py'))
    }
    assert set(found) == configs
    assert len(configs) == 15
