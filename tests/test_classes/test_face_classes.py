# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Class orders: look-up tables between them, by hand and as the docs list
them; the old import paths still work, with a warning."""
import importlib
import os.path as osp
import re

import pytest

from segface_mmseg.classes import (CELEBAMASK_HQ_CLASSES,
                                   ORIGINAL_CELEBAMASK_HQ_CLASSES,
                                   ZLLRUNNING_CELEBAMASK_HQ_CLASSES,
                                   class_remap)
from tests.helpers.utils import CONFIG_DIR


def test_class_remap_by_hand():
    to_zll = class_remap(CELEBAMASK_HQ_CLASSES,
                         ZLLRUNNING_CELEBAMASK_HQ_CLASSES)
    # ours: neck 1, skin 2, cloth 3, hair 14; zllrunning: skin 1, neck 14,
    # cloth 16, hair 17
    assert to_zll[[0, 1, 2, 3, 14, 255]].tolist() == [0, 14, 1, 16, 17, 255]
    from_original = class_remap(ORIGINAL_CELEBAMASK_HQ_CLASSES,
                                CELEBAMASK_HQ_CLASSES)
    # original: skin 1, nose 2, neck 17, cloth 18
    assert from_original[[1, 2, 17, 18]].tolist() == [2, 10, 1, 3]
    back = class_remap(ZLLRUNNING_CELEBAMASK_HQ_CLASSES, CELEBAMASK_HQ_CLASSES)
    assert back[to_zll[:19]].tolist() == list(range(19))
    with pytest.raises(ValueError, match='no counterpart'):
        class_remap(CELEBAMASK_HQ_CLASSES, ('background', 'skin'))


def test_docs_remap_tables_match_the_code():
    path = osp.join(osp.dirname(CONFIG_DIR), 'docs', 'datasets.md')
    with open(path) as f:
        rows = re.findall(r'^\| (\d+) \| `(\w+)` \| (\d+) \| (\d+) \|$',
                          f.read(), re.M)
    assert len(rows) == 19
    zll = class_remap(CELEBAMASK_HQ_CLASSES, ZLLRUNNING_CELEBAMASK_HQ_CLASSES)
    orig = class_remap(CELEBAMASK_HQ_CLASSES, ORIGINAL_CELEBAMASK_HQ_CLASSES)
    for ours, name, zll_id, orig_id in rows:
        assert CELEBAMASK_HQ_CLASSES[int(ours)] == name
        assert (zll[int(ours)], orig[int(ours)]) == (int(zll_id), int(orig_id))


@pytest.mark.parametrize('old, name', [
    ('segface_mmseg.datasets', 'CELEBAMASK_HQ_CLASSES'),
    ('segface_mmseg.datasets', 'write_classes_file'),
    ('segface_mmseg.datasets.face_classes', 'class_remap'),
    ('segface_mmseg.datasets.classes_file', 'read_classes_file'),
    ('segface_mmseg.checkpoints', 'KNOWN_MAPPINGS'),
    ('segface_mmseg.checkpoints.known_class_mappings', 'ClassMapping'),
])
def test_old_import_paths_warn_and_give_the_same_object(old, name):
    classes = importlib.import_module('segface_mmseg.classes')
    with pytest.warns(DeprecationWarning, match='segface_mmseg.classes'):
        moved = getattr(importlib.import_module(old), name)
    assert moved is getattr(classes, name)
