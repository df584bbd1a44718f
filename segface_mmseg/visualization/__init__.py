# Copyright (c) segface-mmseg contributors. All rights reserved.
from .face_overlay import colorize, draw_faces, draw_legend, overlay

__all__ = ['colorize', 'draw_faces', 'draw_legend', 'overlay']
