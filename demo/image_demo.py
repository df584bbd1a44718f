# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Parse faces in an image or a folder; write label maps and overlays.

Examples:
    python demo/image_demo.py face.jpg CONFIG CHECKPOINT
    python demo/image_demo.py photos/ CONFIG CHECKPOINT --out-dir out \
        --in-the-wild --masks --batch-size 4

Outputs (under --out-dir, file names follow the inputs):
    pred/<name>.png        class ids (uint8, 0 = background)
    vis/<name>.jpg         colour overlay with a legend
    masks/<name>/<id>_<class>.png   one 0/255 mask per class (--masks)
"""
import argparse
import os.path as osp
import sys

import numpy as np
from mmengine.utils import ProgressBar

from segface_mmseg.apis import (ImageLoadError, add_face_parser_args,
                                atomic_write_image, build_face_parser,
                                list_images, load_image)
from segface_mmseg.visualization import draw_faces, draw_legend, overlay


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='SegFace face parsing of an image or a folder')
    parser.add_argument('img', help='image file or folder of images')
    add_face_parser_args(parser)
    parser.add_argument(
        '--out-dir',
        default='outputs',
        help='output folder (default: %(default)s)')
    parser.add_argument(
        '--recursive', action='store_true', help='also read sub-folders')
    parser.add_argument(
        '--masks', action='store_true', help='also write per-class masks')
    parser.add_argument(
        '--no-legend', action='store_true', help='overlay without legend')
    return parser.parse_args(argv)


def write_outputs(out_dir, name, image, labels, faces, parser, args):
    """Label PNG, overlay and optional masks of one image."""
    atomic_write_image(osp.join(out_dir, 'pred', name + '.png'), labels)
    vis = overlay(image, labels, parser.palette, args.opacity)
    if args.show_faces:
        vis = draw_faces(vis, faces)
    if not args.no_legend:
        vis = draw_legend(vis, parser.classes, parser.palette, labels)
    atomic_write_image(osp.join(out_dir, 'vis', name + '.jpg'), vis)
    if args.masks:
        for i, cls in enumerate(parser.classes):
            mask = (labels == i).astype(np.uint8) * 255
            atomic_write_image(
                osp.join(out_dir, 'masks', name, f'{i:02d}_{cls}.png'), mask)


def output_names(files, root):
    """Output base names (no extension) of the input ``files``: their paths
    under ``root`` without the extension, which is kept (``face_jpg``,
    ``face_png``) where two inputs would otherwise share a name."""
    stems = [
        osp.splitext(osp.relpath(osp.abspath(path), root))[0] for path in files
    ]
    shared = {stem for stem in stems if stems.count(stem) > 1}
    return [
        f'{stem}_{osp.splitext(path)[1][1:].lower()}'
        if stem in shared else stem for stem, path in zip(stems, files)
    ]


def main(argv=None):
    args = parse_args(argv)
    files = list_images(args.img, recursive=args.recursive)
    if not files:
        raise SystemExit(f'{args.img}: no images found')
    root = osp.abspath(
        args.img if osp.isdir(args.img) else osp.dirname(args.img) or '.')
    parser = build_face_parser(args)
    names = dict(zip(files, output_names(files, root)))

    failures, faceless = [], []
    progress = ProgressBar(len(files))
    for start in range(0, len(files), args.batch_size):
        batch_files, images = [], []
        for path in files[start:start + args.batch_size]:
            try:
                images.append(load_image(path))
                batch_files.append(path)
            except (ImageLoadError, FileNotFoundError) as e:
                failures.append(str(e))
                progress.update()
        if not images:
            continue
        results = parser.parse(images, return_faces=True)
        for path, image, (labels, faces) in zip(batch_files, images, results):
            write_outputs(args.out_dir, names[path], image, labels, faces,
                          parser, args)
            if args.in_the_wild and not faces:
                faceless.append(path)
            progress.update()
    print(f'\n{len(files) - len(failures)} image(s) parsed, results in '
          f'{args.out_dir}')
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


if __name__ == '__main__':
    sys.exit(main())
