# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``torch.save`` through the atomic writer of
:mod:`segface_runtime.atomic_files` (shared with the torch-free runtime)."""
import io

import torch

from segface_runtime.atomic_files import atomic_write_bytes


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
