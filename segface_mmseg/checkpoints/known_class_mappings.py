# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Moved to :mod:`segface_mmseg.classes.class_mappings`; importable here with a
warning."""
from ..utils.deprecation import deprecated_aliases

# old name -> where it lives now
MOVED = {
    name: f'segface_mmseg.classes.class_mappings.{name}'
    for name in ('ClassMapping', 'KNOWN_MAPPINGS', 'SourceNames',
                 'describe_sources', 'resolve_class_sources')
}
__getattr__ = deprecated_aliases(__name__, MOVED)
