# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Parse image files in batches and write what was asked for.

Outputs under ``out_dir`` (``<name>``: the input's, unique in the run, see
:func:`.output_files.output_stems`):

- ``pred/<name>.png``: class ids (uint8, 0 = background);
- ``vis/<name>.jpg``: colour overlay with a legend (``overlay``);
- ``masks/<name>/<id>_<class>.png``: one 0/255 mask per class (``masks``);
- ``soft_masks/<name>/<id>_<class>.png``: each class's probability as
  0-255 (``soft_masks``);
- ``faces/<name>.json``: one record per detected face, in the wild.
"""
import json
import os.path as osp
import sys
from dataclasses import dataclass
from typing import List, Sequence

import numpy as np
from mmengine.utils import ProgressBar

from ..apis import (FaceParser, ImageLoadError, ParsingResult,
                    atomic_write_image, load_image)
from ..utils import atomic_write_bytes
from ..visualization import draw_faces, draw_legend, overlay


@dataclass
class ImageOutputs:
    """What to write for each image (see the module docstring)."""
    overlay: bool = True
    masks: bool = False
    soft_masks: bool = False
    legend: bool = True
    show_faces: bool = False
    opacity: float = 0.5


def write_outputs(out_dir: str, name: str, image: np.ndarray,
                  result: ParsingResult, parser: FaceParser,
                  outputs: ImageOutputs, in_the_wild: bool) -> None:
    """Everything ``outputs`` asks for, for one image."""
    labels = result.labels
    atomic_write_image(osp.join(out_dir, 'pred', name + '.png'), labels)
    if outputs.overlay:
        vis = overlay(image, labels, parser.palette, outputs.opacity)
        if outputs.show_faces:
            vis = draw_faces(vis, [f.detection for f in result.faces])
        if outputs.legend:
            vis = draw_legend(vis, parser.classes, parser.palette, labels)
        atomic_write_image(osp.join(out_dir, 'vis', name + '.jpg'), vis)
    for folder, wanted, planes in (
        ('masks', outputs.masks, lambda i: (labels == i) * 255),
        ('soft_masks', outputs.soft_masks,
         lambda i: np.rint(result.probs[i] * 255)),
    ):
        if wanted:
            for i, cls in enumerate(parser.classes):
                atomic_write_image(
                    osp.join(out_dir, folder, name, f'{i:02d}_{cls}.png'),
                    planes(i).astype(np.uint8))
    if in_the_wild:
        records = [face.to_dict() for face in result.faces]
        atomic_write_bytes(
            osp.join(out_dir, 'faces', name + '.json'),
            json.dumps(dict(faces=records), indent=1).encode())


def parse_images(parser: FaceParser, files: Sequence[str], names: List[str],
                 out_dir: str, outputs: ImageOutputs,
                 in_the_wild: bool) -> int:
    """Parse ``files`` in batches of ``parser.batch_size`` with a progress
    bar; unreadable files are listed at the end.

    Returns:
        int: 0, or 1 if some files could not be read.
    """
    failures, faceless = [], []
    progress = ProgressBar(len(files))
    for start in range(0, len(files), parser.batch_size):
        batch = []
        for path, name in zip(files[start:start + parser.batch_size],
                              names[start:start + parser.batch_size]):
            try:
                batch.append((path, name, load_image(path)))
            except (ImageLoadError, FileNotFoundError) as error:
                failures.append(str(error))
                progress.update()
        if not batch:
            continue
        results = parser.predict([image for _, _, image in batch],
                                 probs=outputs.soft_masks)
        for (path, name, image), result in zip(batch, results):
            write_outputs(out_dir, name, image, result, parser, outputs,
                          in_the_wild)
            if in_the_wild and not result.faces:
                faceless.append(path)
            progress.update()
    print(f'\n{len(files) - len(failures)} image(s) parsed, results in '
          f'{out_dir}')
    if faceless:
        print(
            f'{len(faceless)} image(s) with no face detected (their labels '
            f'are all background): {", ".join(faceless)}',
            file=sys.stderr)
    if failures:
        print(f'{len(failures)} file(s) skipped:', file=sys.stderr)
        for message in failures:
            print(f'  {message}', file=sys.stderr)
        return 1
    return 0
