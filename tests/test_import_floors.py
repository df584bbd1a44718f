# Copyright (c) segface-mmseg contributors. All rights reserved.
"""No module of the package imports a room on a higher floor.

The floors, top to bottom (README, Layout)::

    cli > deployment, video > apis > zoo, engine > checkpoints > datasets
        > classes, models, evaluation, visualization, utils

(``segface_runtime``, the torch-free runtime beside the package, is below
them all.)

Every ``import`` statement counts, deferred ones inside functions included.
"""
import ast
import os.path as osp
from pathlib import Path
from typing import List, Optional

import segface_mmseg

FLOORS = {
    'cli': 6,
    'deployment': 5,
    'video': 5,
    'apis': 4,
    'zoo': 3,
    'engine': 3,
    'checkpoints': 2,
    'datasets': 1,
    'classes': 0,
    'models': 0,
    'evaluation': 0,
    'visualization': 0,
    'utils': 0,
}
PACKAGE = Path(osp.dirname(segface_mmseg.__file__))


def _room(module: str) -> Optional[str]:
    """``segface_mmseg.<room>...`` -> room (None outside the rooms)."""
    parts = module.split('.')
    if parts[0] != 'segface_mmseg' or len(parts) < 2:
        return None
    return parts[1] if parts[1] in FLOORS else None


def _imported_modules(path: Path,
                      root: Path,
                      name: str = 'segface_mmseg') -> List[str]:
    """Absolute names of every module ``path`` imports (relative imports
    resolved against its package, ``root`` being the package ``name``)."""
    package = [name] + list(path.relative_to(root).parent.parts)
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = '.'.join(base +
                                  ([node.module] if node.module else []))
            else:
                module = node.module
            # `from . import x` and `from .. import x` import submodules
            found += [module] + [f'{module}.{a.name}' for a in node.names]
    return found


def upward_imports(root: Path = PACKAGE) -> List[str]:
    """``file: room -> higher room (module)`` for each upward import."""
    problems = []
    for path in sorted(root.rglob('*.py')):
        rel = path.relative_to(root)
        room = rel.parts[0] if len(rel.parts) > 1 else None
        if room not in FLOORS:
            continue  # the package root imports the rooms to register them
        for module in _imported_modules(path, root):
            target = _room(module)
            if target is not None and FLOORS[target] > FLOORS[room]:
                problems.append(f'{rel}: {room} -> {target} ({module})')
    return sorted(set(problems))


def test_no_module_imports_a_higher_floor():
    assert upward_imports() == []


def test_an_upward_import_is_caught(tmp_path):
    # a copy of the package tree's shape with one deferred upward import
    engine = tmp_path / 'engine'
    engine.mkdir()
    (engine / '__init__.py').write_text('')
    (engine / 'hook.py').write_text(
        'from ..checkpoints import load_weights\n\n\n'
        'def before_train():\n'
        '    from ..apis.build_segmentor import build_segmentor\n')
    assert upward_imports(tmp_path) == [
        'engine/hook.py: engine -> apis (segface_mmseg.apis.build_segmentor)',
        'engine/hook.py: engine -> apis '
        '(segface_mmseg.apis.build_segmentor.build_segmentor)'
    ]


def test_every_room_has_a_floor():
    """A new room must be placed on a floor, else its imports go
    unchecked."""
    rooms = {
        path.parent.name
        for path in PACKAGE.glob('*/__init__.py')
        if not path.parent.name.startswith(('.', '_'))
    }
    assert rooms - set(FLOORS) == set()


def test_the_runtime_imports_nothing_of_the_package():
    """``segface_runtime`` runs without torch: it may not import the
    package (whose ``__init__`` registers the model with torch)."""
    runtime = PACKAGE.parent / 'segface_runtime'
    found = [
        f'{path.name}: {module}' for path in sorted(runtime.rglob('*.py'))
        for module in _imported_modules(path, runtime, 'segface_runtime')
        if module.split('.')[0] in ('segface_mmseg', 'torch', 'mmcv',
                                    'mmengine', 'mmseg')
    ]
    assert found == []
