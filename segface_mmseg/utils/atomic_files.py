# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Atomic file writing (:mod:`segface_runtime.atomic_files`, shared with the
torch-free runtime) and :func:`atomic_torch_save`."""
import io

import torch

from segface_runtime.atomic_files import (
    TMP_SUFFIX, atomic_output, atomic_output_dir, atomic_write_bytes,
    default_file_mode, remove_stale_temporaries, temporary_path)

__all__ = [
    'TMP_SUFFIX', 'atomic_output', 'atomic_output_dir', 'atomic_torch_save',
    'atomic_write_bytes', 'default_file_mode', 'remove_stale_temporaries',
    'temporary_path'
]


def atomic_torch_save(obj, path: str) -> None:
    """``torch.save(obj, path)``, atomically.

    Serialised in memory first (as mmengine saves its checkpoints), so a
    write that fails (a full disk, a read-only folder) raises an ``OSError``
    naming ``path`` and its cause, not the ``RuntimeError`` of torch's own
    file writer.
    """
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    atomic_write_bytes(path, buffer.getbuffer())
