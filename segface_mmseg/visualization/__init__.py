# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Drawing label maps (the torch-free runtime's drawing, one place)."""
from segface_runtime.face_overlay import (colorize, draw_faces, draw_legend,
                                          overlay)

__all__ = ['colorize', 'draw_faces', 'draw_legend', 'overlay']
