# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Moved to :mod:`segface_mmseg.classes.classes_file`; importable here with a
warning."""
from ..utils.deprecation import deprecated_aliases

# old name -> where it lives now
MOVED = {
    name: f'segface_mmseg.classes.classes_file.{name}'
    for name in ('KEYS', 'face_metainfo', 'read_classes_file',
                 'write_classes_file')
}
__getattr__ = deprecated_aliases(__name__, MOVED)
