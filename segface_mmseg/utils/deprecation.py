# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Names that moved to another module, kept importable with a warning."""
import importlib
import warnings
from typing import Callable, Dict


def deprecated_aliases(module_name: str,
                       aliases: Dict[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` serving moved names with a warning.

    Example (in the old module)::

        __getattr__ = deprecated_aliases(__name__, dict(
            load_weights='segface_mmseg.checkpoints.load_weights'))

    Args:
        module_name (str): The old module (``__name__``).
        aliases (dict[str, str]): Old name -> new dotted path.

    Returns:
        callable: The module's ``__getattr__``; it raises ``AttributeError``
        for any other name, and emits a ``DeprecationWarning`` naming the
        new path for an alias.
    """

    def __getattr__(name: str):
        if name not in aliases:
            raise AttributeError(
                f'module {module_name!r} has no attribute {name!r}')
        module, _, attr = aliases[name].rpartition('.')
        warnings.warn(
            f'{module_name}.{name} is deprecated: import {aliases[name]}',
            DeprecationWarning,
            stacklevel=2)
        return getattr(importlib.import_module(module), attr)

    return __getattr__
