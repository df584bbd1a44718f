# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Parse image files in batches and write what was asked for.

Outputs under ``out_dir`` (``<name>``: the input's, unique in the run, see
:func:`segface_runtime.output_files.output_stems`):

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
from typing import List, Sequence

import numpy as np
from mmengine.utils import ProgressBar

from segface_runtime.label_outputs import ImageOutputs, write_label_outputs
from ..apis import FaceParser, ImageLoadError, ParsingResult, load_image
from ..utils import atomic_write_bytes

__all__ = ['ImageOutputs', 'parse_images', 'write_outputs']


def write_outputs(out_dir: str, name: str, image: np.ndarray,
                  result: ParsingResult, parser: FaceParser,
                  outputs: ImageOutputs, in_the_wild: bool) -> None:
    """Everything ``outputs`` asks for, for one image."""
    write_label_outputs(out_dir, name, image, result.labels, result.probs,
                        parser.classes, parser.palette, outputs,
                        [face.detection for face in result.faces])
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
