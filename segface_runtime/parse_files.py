# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Parse image files with an :class:`OnnxFaceParser` and write the outputs
of :mod:`.label_outputs`."""
import os.path as osp
import sys
from typing import List, Sequence, Tuple

from .image_files import ImageReadError, list_images, read_image
from .label_outputs import ImageOutputs, write_label_outputs
from .onnx_face_parser import OnnxFaceParser
from .output_files import output_stems


def collect_images(inputs: Sequence[str],
                   recursive: bool = False) -> Tuple[List[str], List[str]]:
    """Image files of files and folders, and their output names (paths
    under the folder all inputs share).

    Raises:
        FileNotFoundError: An input that is neither a file nor a folder.
        ValueError: No image at all.
    """
    roots, files = [], []
    for item in inputs:
        found = list_images(item, recursive=recursive)
        roots.append(item if osp.isdir(item) else osp.dirname(item) or '.')
        files += found
    if not files:
        raise ValueError(f'no images in {", ".join(inputs)}')
    root = osp.commonpath([osp.abspath(r) for r in roots])
    return files, output_stems(files, root)


def parse_files(parser: OnnxFaceParser, files: Sequence[str],
                names: Sequence[str], out_dir: str,
                outputs: ImageOutputs) -> int:
    """Parse ``files`` in batches of ``parser.batch_size``; unreadable
    files are listed at the end.

    Returns:
        int: 0, or 1 if some files could not be read.
    """
    failures = []
    for start in range(0, len(files), parser.batch_size):
        batch = []
        for path, name in zip(files[start:start + parser.batch_size],
                              names[start:start + parser.batch_size]):
            try:
                batch.append((name, read_image(path)))
            except (ImageReadError, FileNotFoundError) as error:
                failures.append(str(error))
        if not batch:
            continue
        results = parser.predict([image for _, image in batch],
                                 probs=outputs.soft_masks)
        for (name, image), result in zip(batch, results):
            write_label_outputs(out_dir, name, image, result['labels'],
                                result.get('probs'), parser.classes,
                                parser.palette, outputs)
    print(f'{len(files) - len(failures)} image(s) parsed with '
          f'{osp.basename(parser.onnx_file)} ({parser.precision}), results '
          f'in {out_dir}')
    if failures:
        print(f'{len(failures)} file(s) skipped:', file=sys.stderr)
        for message in failures:
            print(f'  {message}', file=sys.stderr)
        return 1
    return 0
