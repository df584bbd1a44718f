# Copyright (c) segface-mmseg contributors. All rights reserved.
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend

from segface_runtime.atomic_files import atomic_write_bytes


@register_backend('segface_atomic_local')
class AtomicLocalBackend(LocalBackend):
    """mmengine's local file backend, writing every file atomically.

    ``put`` and ``put_text`` write through a temporary file and a rename
    (:func:`segface_mmseg.utils.atomic_write_bytes`), so a file under its
    final name is never partial: a run killed while saving a checkpoint, or
    a full disk, leaves the previous files as they were. Files are flushed
    to the disk before the rename. Select it with
    ``backend_args=dict(backend='segface_atomic_local')``.
    """

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        atomic_write_bytes(str(filepath), obj, fsync=True)

    def put_text(self,
                 obj: str,
                 filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        atomic_write_bytes(str(filepath), obj.encode(encoding), fsync=True)
