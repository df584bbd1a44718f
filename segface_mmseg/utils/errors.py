# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The one error type of every conversion in the package."""


class ConversionError(ValueError):
    """An input that cannot be converted: a raw dataset file, a state dict
    that is not an official SegFace checkpoint, or a class mapping that does
    not fit a checkpoint's classes (``checkpoints.class_transfer``).

    The message starts with what is wrong where: the file's (or folder's)
    path for dataset preparation, the offending keys for checkpoints.
    Both :mod:`segface_mmseg.checkpoints` and
    :mod:`segface_mmseg.datasets.preparation` raise this class, so one
    ``except ConversionError`` catches either.
    """
