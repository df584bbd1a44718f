# Copyright (c) segface-mmseg contributors. All rights reserved.
from segface_runtime.atomic_files import (atomic_output, atomic_output_dir,
                                          atomic_write_bytes,
                                          default_file_mode,
                                          remove_stale_temporaries)
from .atomic_files import atomic_torch_save
from .errors import ConversionError

__all__ = [
    'ConversionError', 'atomic_output', 'atomic_output_dir',
    'atomic_torch_save', 'atomic_write_bytes', 'default_file_mode',
    'remove_stale_temporaries'
]
