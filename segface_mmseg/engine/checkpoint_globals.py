# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Safe loading of mmengine checkpoints with torch >= 2.6.

torch >= 2.6 unpickles checkpoints with ``weights_only=True`` by default:
only tensors, plain containers and allow-listed classes load. mmengine
0.10.7's training checkpoints also hold its ``HistoryBuffer`` (the message
hub's logged scalars, backed by numpy arrays and scalars), so ``--resume``
and loading them fail with "Unsupported global". Instead of switching safe
loading off, this allow-lists exactly the types those checkpoints contain.
"""
import builtins

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer


def _numpy_core_attr(name):
    core = getattr(np, '_core', None) or np.core  # numpy 2 / numpy 1
    return getattr(core.multiarray, name)


def mmengine_checkpoint_globals() -> list:
    """The classes and functions pickled in an mmengine training checkpoint.

    Returns:
        list: ``HistoryBuffer``, numpy's array reconstruction and scalar
        functions, ``np.ndarray``, ``np.dtype``, the float64 and int64 dtype
        classes, and the builtin ``getattr`` (numpy pickles dtypes through
        it).
    """
    return [
        HistoryBuffer,
        _numpy_core_attr('_reconstruct'),
        _numpy_core_attr('scalar'),
        np.ndarray,
        np.dtype,
        type(np.dtype(np.float64)),
        type(np.dtype(np.int64)),
        builtins.getattr,
    ]


def register_checkpoint_globals() -> None:
    """Allow-list :func:`mmengine_checkpoint_globals` for safe loading."""
    add_safe_globals = getattr(torch.serialization, 'add_safe_globals', None)
    if add_safe_globals is not None:  # torch >= 2.4
        add_safe_globals(mmengine_checkpoint_globals())
