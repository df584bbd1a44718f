# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Class lists: the built-in datasets' vocabularies, colours and left/right
pairs (:mod:`.face_classes`), one's own list in ``classes.json``
(:mod:`.classes_file`), and the way from one list to another by name
(:mod:`.class_mappings`: look-up tables for label maps, the sources of each
class for the class-token transfer)."""
from .class_mappings import (KNOWN_MAPPINGS, ClassMapping, SourceNames,
                             describe_sources, resolve_class_sources)
from .classes_file import face_metainfo, read_classes_file, write_classes_file
from .face_classes import (CELEBAMASK_HQ_CLASSES, FACE_PALETTE, HELEN_CLASSES,
                           LAPA_CLASSES, ORIGINAL_CELEBAMASK_HQ_CLASSES,
                           ZLLRUNNING_CELEBAMASK_HQ_CLASSES, class_remap,
                           left_right_pairs, palette_of)

__all__ = [
    'CELEBAMASK_HQ_CLASSES', 'FACE_PALETTE', 'HELEN_CLASSES', 'LAPA_CLASSES',
    'ORIGINAL_CELEBAMASK_HQ_CLASSES', 'ZLLRUNNING_CELEBAMASK_HQ_CLASSES',
    'class_remap', 'left_right_pairs', 'palette_of', 'face_metainfo',
    'read_classes_file', 'write_classes_file', 'KNOWN_MAPPINGS',
    'ClassMapping', 'SourceNames', 'describe_sources', 'resolve_class_sources'
]
