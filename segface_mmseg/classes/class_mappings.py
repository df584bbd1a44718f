# Copyright (c) segface-mmseg contributors. All rights reserved.
"""From one class list to another, by name: the source classes of each new
class (renames, merges, new classes) and the known changes between the
built-in datasets.

Used by the class-token transfer (``checkpoints.class_transfer``), which
applies the resolved sources to a checkpoint's tensors.
"""
from typing import (Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple,
                    Union)

from ..utils.errors import ConversionError
from .face_classes import CELEBAMASK_HQ_CLASSES, HELEN_CLASSES, LAPA_CLASSES

SourceNames = Union[str, Sequence[str]]


class ClassMapping(NamedTuple):
    """A known class-list change.

    Attributes:
        src_classes (tuple[str]): Classes of the checkpoint, by id.
        dst_classes (tuple[str]): Classes of the new model, by id.
        mapping (dict[str, tuple[str]]): Sources of the renamed and merged
            classes (the others match by name).
        new_classes (tuple[str]): Classes without a source.
    """
    src_classes: Tuple[str, ...]
    dst_classes: Tuple[str, ...]
    mapping: Dict[str, Tuple[str, ...]]
    new_classes: Tuple[str, ...]


def _celebamask_hq_only(classes):
    return tuple(c for c in CELEBAMASK_HQ_CLASSES if c not in classes)


# Both datasets name classes alike (face_classes: left and right are the
# subject's, ``l_lip`` the lower lip, ``mouth`` the inner mouth), so each
# LaPa / Helen class takes the CelebAMask-HQ token of its name. This is not
# the official token naming, which calls the CelebAMask-HQ token of label
# ``l_brow`` ``rightbro`` but the LaPa one ``leftbro`` (official_layout).
# Back to CelebAMask-HQ, its 8 classes LaPa / Helen lack are new.
KNOWN_MAPPINGS = {
    'celebamask_hq-to-lapa':
    ClassMapping(CELEBAMASK_HQ_CLASSES, LAPA_CLASSES, {}, ()),
    'celebamask_hq-to-helen':
    ClassMapping(CELEBAMASK_HQ_CLASSES, HELEN_CLASSES, {}, ()),
    'lapa-to-celebamask_hq':
    ClassMapping(LAPA_CLASSES, CELEBAMASK_HQ_CLASSES, {},
                 _celebamask_hq_only(LAPA_CLASSES)),
    'helen-to-celebamask_hq':
    ClassMapping(HELEN_CLASSES, CELEBAMASK_HQ_CLASSES, {},
                 _celebamask_hq_only(HELEN_CLASSES)),
}


def _check_names(classes: Sequence[str], what: str) -> None:
    if not classes:
        raise ConversionError(f'the {what} class list is empty')
    seen = set()
    for name in classes:
        if not isinstance(name, str) or not name:
            raise ConversionError(
                f'{what} class names must be non-empty strings, got '
                f'{name!r}')
        if name in seen:
            raise ConversionError(f'{what} class {name!r} is listed twice')
        seen.add(name)


def resolve_class_sources(
    src_classes: Sequence[str],
    dst_classes: Sequence[str],
    mapping: Optional[Mapping[str, SourceNames]] = None,
    new_classes: Sequence[str] = ()
) -> List[Tuple[int, ...]]:
    """The source class ids of each class of the new list.

    Args:
        src_classes (Sequence[str]): Class names of the checkpoint, by id.
        dst_classes (Sequence[str]): Class names of the new model, by id.
        mapping (dict[str, str | Sequence[str]], optional): New class name
            -> source class name(s), for renames and merges. Default: None
            (names match only themselves).
        new_classes (Sequence[str]): New classes without a source.

    Returns:
        list[tuple[int]]: For new id ``i``, the ids of its sources in
        ``src_classes`` (empty for a new class).

    Raises:
        ConversionError: An unknown name, a class without a source that is
            not declared new, a class mapped and declared new, an empty or
            repeated name.
    """
    _check_names(src_classes, 'source')
    _check_names(dst_classes, 'target')
    mapping = dict(mapping or {})
    new_classes = list(new_classes)
    src_index = {name: i for i, name in enumerate(src_classes)}
    targets = set(dst_classes)
    for name in list(mapping) + new_classes:
        if name not in targets:
            kind = 'mapped' if name in mapping else 'declared new'
            raise ConversionError(
                f'class {name!r} is {kind} but is not in the target classes '
                f'{tuple(dst_classes)}')
    both = sorted(set(mapping) & set(new_classes))
    if both:
        raise ConversionError(f'classes {both} are both mapped and declared '
                              'new; choose one')
    sources = []
    for name in dst_classes:
        if name in mapping:
            names = mapping[name]
            names = (names, ) if isinstance(names, str) else tuple(names)
            if not names:
                raise ConversionError(
                    f'class {name!r} is mapped to no source class; declare '
                    'it new instead')
            unknown = [n for n in names if n not in src_index]
            if unknown:
                raise ConversionError(
                    f'class {name!r} is mapped from {unknown}, which the '
                    f'checkpoint does not have; its classes are '
                    f'{tuple(src_classes)}')
            sources.append(tuple(src_index[n] for n in names))
        elif name in new_classes:
            sources.append(())
        elif name in src_index:
            sources.append((src_index[name], ))
        else:
            raise ConversionError(
                f'class {name!r} has no source: the checkpoint\'s classes '
                f'are {tuple(src_classes)}. Map it from some of them '
                f'(mapping={{{name!r}: (...)}}) or declare it new '
                f'(new_classes=[{name!r}])')
    return sources


def describe_sources(src_classes: Sequence[str], dst_classes: Sequence[str],
                     sources: Sequence[Tuple[int, ...]]) -> List[str]:
    """One line per new class (``'  4 eyes <- l_eye + r_eye (mean)'``), and
    one naming the dropped source classes."""
    lines = []
    for i, (name, ids) in enumerate(zip(dst_classes, sources)):
        origin = ' + '.join(src_classes[j] for j in ids) or 'new'
        lines.append(f'{i:>3} {name} <- {origin}' +
                     (' (mean)' if len(ids) > 1 else ''))
    used = {j for ids in sources for j in ids}
    dropped = [c for j, c in enumerate(src_classes) if j not in used]
    if dropped:
        lines.append('dropped: ' + ', '.join(dropped))
    return lines
