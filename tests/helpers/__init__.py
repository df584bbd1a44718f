# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Code shared by the tests (not fixtures, which live in the conftests):
models and configs built without downloads, fake datasets and official
files, photos, the offline hub cache, and how scripts are run."""
