# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Class-list changes between the built-in datasets, for
:func:`.class_transfer.transfer_classes`."""
from typing import Dict, NamedTuple, Tuple

from ..datasets.face_classes import (CELEBAMASK_HQ_CLASSES, HELEN_CLASSES,
                                     LAPA_CLASSES)


class ClassMapping(NamedTuple):
    """A known class-list change.

    Attributes:
        src_classes (tuple[str]): Classes of the checkpoint, by id.
        dst_classes (tuple[str]): Classes of the new model, by id.
        mapping (dict[str, tuple[str]]): Sources of the renamed and merged
            classes (the others match by name).
        new_classes (tuple[str]): Classes without a source.
    """
    src_classes: Tuple[str, ...]
    dst_classes: Tuple[str, ...]
    mapping: Dict[str, Tuple[str, ...]]
    new_classes: Tuple[str, ...]


def _celebamask_hq_only(classes):
    return tuple(c for c in CELEBAMASK_HQ_CLASSES if c not in classes)


# Both datasets name classes alike (face_classes: left and right are the
# subject's, ``l_lip`` the lower lip, ``mouth`` the inner mouth), so each
# LaPa / Helen class takes the CelebAMask-HQ token of its name. This is not
# the official token naming, which calls the CelebAMask-HQ token of label
# ``l_brow`` ``rightbro`` but the LaPa one ``leftbro`` (official_layout).
# Back to CelebAMask-HQ, its 8 classes LaPa / Helen lack are new.
KNOWN_MAPPINGS = {
    'celebamask_hq-to-lapa':
    ClassMapping(CELEBAMASK_HQ_CLASSES, LAPA_CLASSES, {}, ()),
    'celebamask_hq-to-helen':
    ClassMapping(CELEBAMASK_HQ_CLASSES, HELEN_CLASSES, {}, ()),
    'lapa-to-celebamask_hq':
    ClassMapping(LAPA_CLASSES, CELEBAMASK_HQ_CLASSES, {},
                 _celebamask_hq_only(LAPA_CLASSES)),
    'helen-to-celebamask_hq':
    ClassMapping(HELEN_CLASSES, CELEBAMASK_HQ_CLASSES, {},
                 _celebamask_hq_only(HELEN_CLASSES)),
}
