# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Checkpoint state in plain types, which safe loading reads as it is.

mmengine stores its message hub in training checkpoints as ``HistoryBuffer``
objects backed by numpy arrays; unpickling those needs numpy's
reconstruction functions and the builtin ``getattr``, which must never be
allow-listed for ``torch.load(weights_only=True)``. :func:`to_plain` turns
such values into tensors and plain dicts (exactly: arrays keep their dtype
and bytes), :func:`from_plain` turns them back.
"""
import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer

_KIND = '__segface_plain__'


def to_plain(value):
    """``value`` with every HistoryBuffer, numpy array and numpy scalar
    replaced by tensors and plain values (recursively through dicts, lists
    and tuples)."""
    if isinstance(value, HistoryBuffer):
        return {
            _KIND: 'HistoryBuffer',
            'max_length': value.max_length,
            'log': to_plain(value._log_history),
            'count': to_plain(value._count_history),
        }
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in 'biuf':  # e.g. strings, objects
            return {_KIND: 'list', 'data': to_plain(value.tolist())}
        return {_KIND: 'ndarray', 'data': torch.from_numpy(value.copy())}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_plain(item) for item in value)
    return value


def from_plain(value):
    """The inverse of :func:`to_plain` (numpy scalars come back as Python
    numbers)."""
    if isinstance(value, dict):
        kind = value.get(_KIND)
        if kind == 'HistoryBuffer':
            return HistoryBuffer(
                from_plain(value['log']), from_plain(value['count']),
                value['max_length'])
        if kind == 'ndarray':
            return value['data'].numpy()
        if kind == 'list':
            return np.array(from_plain(value['data']))
        return {key: from_plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(from_plain(item) for item in value)
    return value
