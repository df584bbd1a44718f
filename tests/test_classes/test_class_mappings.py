# Copyright (c) segface-mmseg contributors. All rights reserved.
"""From one class list to another by name: the sources of each class, bad
mappings refused with the name, the shipped mappings."""
import pytest

from segface_mmseg.checkpoints.official_layout import (CELEBAMASK_HQ_TOKENS,
                                                       LAPA_TOKENS)
from segface_mmseg.classes import (CELEBAMASK_HQ_CLASSES, HELEN_CLASSES,
                                   KNOWN_MAPPINGS, resolve_class_sources)
from segface_mmseg.utils import ConversionError


@pytest.mark.parametrize(
    'dst, mapping, new, message',
    [
        # a class without a source, not declared new
        (('background', 'teeth'), None, (), "'teeth' has no source"),
        # an unknown source name
        (('background', 'eyes'), dict(eyes=['l_eye', 'leye']),
         (), r"'eyes' is mapped from \['leye'\]"),
        # a mapped or new name that is not a target class
        (('background', ), dict(eyes='l_eye'),
         (), "'eyes' is mapped but is not in the target"),
        (('background', ), None,
         ('teeth', ), "'teeth' is declared new but is not in the target"),
        (('background', 'teeth'), dict(teeth='mouth'),
         ('teeth', ), 'both mapped and declared new'),
        (('background', 'eyes'), dict(eyes=[]), (), 'mapped to no source'),
        (('background', 'skin', 'skin'), None, (), "'skin' is listed twice"),
    ])
def test_bad_mappings_fail_with_the_name(dst, mapping, new, message):
    with pytest.raises(ConversionError, match=message):
        resolve_class_sources(CELEBAMASK_HQ_CLASSES, dst, mapping, new)


def test_celebamask_hq_to_lapa_by_the_readme_table():
    known = KNOWN_MAPPINGS['celebamask_hq-to-lapa']
    sources = resolve_class_sources(known.src_classes, known.dst_classes,
                                    known.mapping, known.new_classes)
    # LaPa ids 0-10 (background, skin, l_brow, r_brow, l_eye, r_eye, nose,
    # u_lip, mouth, l_lip, hair) <- CelebAMask-HQ ids of the same names
    assert sources == [(0, ), (2, ), (6, ), (7, ), (8, ), (9, ), (10, ),
                       (13, ), (11, ), (12, ), (14, )]
    # subject-side names: the official token names of those rows disagree
    # (CelebAMask-HQ 'rightbro' is the LaPa 'leftbro' class)
    assert CELEBAMASK_HQ_TOKENS[6] == 'rightbro' and LAPA_TOKENS[2] == \
        'leftbro'
    assert KNOWN_MAPPINGS['celebamask_hq-to-helen'].dst_classes == \
        HELEN_CLASSES


def test_lapa_to_celebamask_hq_declares_the_missing_classes_new():
    known = KNOWN_MAPPINGS['lapa-to-celebamask_hq']
    assert set(known.new_classes) == {
        'neck', 'cloth', 'l_ear', 'r_ear', 'eye_g', 'hat', 'ear_r', 'neck_l'
    }
    sources = resolve_class_sources(known.src_classes, known.dst_classes,
                                    known.mapping, known.new_classes)
    assert sources == [(0, ), (), (1, ), (), (), (), (2, ),
                       (3, ), (4, ), (5, ), (6, ), (8, ), (9, ), (7, ), (10, ),
                       (), (), (), ()]
    assert KNOWN_MAPPINGS['helen-to-celebamask_hq'] == known._replace(
        src_classes=HELEN_CLASSES)
