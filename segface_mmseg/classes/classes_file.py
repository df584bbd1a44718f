# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The class list of one's own face-parsing data: ``classes.json``.

A ``classes.json`` beside the data (or the same keys in a config's
``metainfo``) describes the label ids::

    {
      "classes": ["background", "skin", "l_eye", "r_eye", "teeth"],
      "palette": [[0, 0, 0], [255, 204, 153], ...],          (optional)
      "left_right_pairs": [["l_eye", "r_eye"]]               (optional)
    }

Label id ``i`` is ``classes[i]``. ``palette`` defaults to the face palette
(``face_classes.palette_of``: known names keep their colours, others get one
from their name). ``left_right_pairs`` name the classes a horizontal flip
swaps (names or ids); by default every ``l_<x>`` / ``r_<x>`` pair of the
list (``face_classes.left_right_pairs``); ``[]`` swaps nothing.
"""
import json
from typing import List, Optional, Sequence, Tuple

from ..utils import atomic_write_bytes
from .face_classes import left_right_pairs, palette_of

KEYS = ('classes', 'palette', 'left_right_pairs')


def face_metainfo(classes: Sequence[str],
                  palette: Optional[Sequence[Sequence[int]]] = None,
                  pairs: Optional[Sequence[Sequence]] = None,
                  source: str = 'metainfo') -> dict:
    """Checked ``classes``, ``palette`` and ``left_right_pairs`` (ids).

    Args:
        classes (Sequence[str]): Class names by label id.
        palette (Sequence, optional): RGB colour per class. Default: None
            (the face palette).
        pairs (Sequence, optional): Left/right pairs of class names or ids.
            Default: None (the ``l_<x>`` / ``r_<x>`` pairs of ``classes``).
        source (str): Where they come from, for the messages.

    Returns:
        dict: ``classes`` (tuple of str), ``palette`` (lists of 3 ints) and
        ``left_right_pairs`` (list of ``(left_id, right_id)``).

    Raises:
        ValueError: Naming ``source`` and what is wrong.
    """
    if isinstance(classes, str) or not classes or not all(
            isinstance(c, str) and c for c in classes):
        raise ValueError(f'{source}: "classes" must be a non-empty list of '
                         f'class names, got {classes!r}')
    classes = tuple(classes)
    repeated = sorted({c for c in classes if classes.count(c) > 1})
    if repeated:
        raise ValueError(f'{source}: classes {repeated} are listed twice')
    if len(classes) > 255:
        raise ValueError(f'{source}: {len(classes)} classes; label maps are '
                         '8-bit with 255 meaning "ignore", so at most 255')
    if palette is None:
        palette = palette_of(classes)
    palette = [list(colour) for colour in palette]
    if len(palette) != len(classes) or not all(
            len(c) == 3 and all(
                isinstance(v, int) and 0 <= v <= 255 for v in c)
            for c in palette):
        raise ValueError(f'{source}: "palette" must hold one [R, G, B] '
                         f'(0-255) per class ({len(classes)}), got '
                         f'{palette!r}')
    if pairs is None:
        ids = left_right_pairs(classes)
    else:
        ids = [
            tuple(_class_id(p, classes, source) for p in pair)
            for pair in _pairs(pairs, source)
        ]
    paired = [i for pair in ids for i in pair]
    twice = sorted({classes[i] for i in paired if paired.count(i) > 1})
    if twice:
        raise ValueError(f'{source}: classes {twice} are in more than one '
                         'left/right pair (or paired with themselves)')
    return dict(classes=classes, palette=palette, left_right_pairs=ids)


def _pairs(pairs, source) -> List[Sequence]:
    if isinstance(pairs, str) or not all(not isinstance(p, str) and len(p) == 2
                                         for p in pairs):
        raise ValueError(f'{source}: "left_right_pairs" must be a list of '
                         f'[left, right] pairs, got {pairs!r}')
    return list(pairs)


def _class_id(name_or_id, classes, source) -> int:
    if isinstance(name_or_id, int) and 0 <= name_or_id < len(classes):
        return name_or_id
    if isinstance(name_or_id, str) and name_or_id in classes:
        return classes.index(name_or_id)
    raise ValueError(f'{source}: left/right pair member {name_or_id!r} is '
                     f'not one of the classes {classes}')


def read_classes_file(path: str) -> dict:
    """The checked metainfo of a ``classes.json`` (see :func:`face_metainfo`).

    Raises:
        ValueError: The file is not JSON, not an object, has unknown keys or
            bad values; the message starts with its path.
    """
    try:
        with open(path, encoding='utf-8') as f:
            content = json.load(f)
    except json.JSONDecodeError as error:
        raise ValueError(f'{path}: not valid JSON ({error})') from error
    if not isinstance(content, dict) or 'classes' not in content:
        raise ValueError(f'{path}: expected a JSON object with "classes" '
                         '(and optionally "palette", "left_right_pairs")')
    unknown = sorted(set(content) - set(KEYS))
    if unknown:
        raise ValueError(f'{path}: unknown keys {unknown}; known: '
                         f'{list(KEYS)}')
    return face_metainfo(content['classes'], content.get('palette'),
                         content.get('left_right_pairs'), path)


def write_classes_file(path: str,
                       classes: Sequence[str],
                       palette: Optional[Sequence] = None,
                       pairs: Optional[Sequence[Tuple]] = None) -> dict:
    """Write a checked ``classes.json`` atomically; return its metainfo.

    Pairs are written by name, the palette in full.
    """
    meta = face_metainfo(classes, palette, pairs, path)
    names = [[meta['classes'][i] for i in pair]
             for pair in meta['left_right_pairs']]
    content = dict(
        classes=list(meta['classes']),
        palette=meta['palette'],
        left_right_pairs=names)
    atomic_write_bytes(path, (json.dumps(content, indent=2) + '\n').encode())
    return meta
