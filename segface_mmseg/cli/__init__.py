# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The ``segface`` command (``parse``, ``list``, ``download``, ``convert``)
for people who do not write Python; see :func:`main.main`."""
