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

from segface_mmseg.apis import (FaceParser, ImageLoadError, atomic_write_image,
                                list_images, load_image)
from segface_mmseg.visualization import draw_faces, draw_legend, overlay


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='SegFace face parsing of an image or a folder')
    parser.add_argument('img', help='image file or folder of images')
    parser.add_argument('config', help='model config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--out-dir',
        default='outputs',
        help='output folder (default: %(default)s)')
    parser.add_argument(
        '--device', default='cpu', help='torch device (default: %(default)s)')
    parser.add_argument(
        '--batch-size', type=int, default=1, help='images per forward')
    parser.add_argument(
        '--amp',
        choices=['fp16', 'bf16'],
        help='mixed-precision inference (fp16 on GPU, bf16)')
    parser.add_argument(
        '--compile',
        action='store_true',
        help='torch.compile the model (slow first batch)')
    parser.add_argument(
        '--recursive', action='store_true', help='also read sub-folders')
    parser.add_argument(
        '--in-the-wild',
        action='store_true',
        help='detect faces, parse each crop and paste the labels back '
        '(for photos that are not tight face crops)')
    parser.add_argument(
        '--detector',
        default='mtcnn',
        help='face detector of --in-the-wild: mtcnn (5 landmarks, default), '
        'haar, or any registered FACE_DETECTORS type')
    parser.add_argument(
        '--crop-mode',
        default='auto',
        choices=['auto', 'align', 'box', 'none'],
        help='how faces are cut out (see FaceParser)')
    parser.add_argument(
        '--margin', type=float, default=0.4, help='box crop margin per side')
    parser.add_argument(
        '--opacity', type=float, default=0.5, help='overlay opacity')
    parser.add_argument(
        '--masks', action='store_true', help='also write per-class masks')
    parser.add_argument(
        '--no-legend', action='store_true', help='overlay without legend')
    parser.add_argument(
        '--show-faces',
        action='store_true',
        help='draw detected boxes and landmarks on the overlay')
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


def main(argv=None):
    args = parse_args(argv)
    files = list_images(args.img, recursive=args.recursive)
    if not files:
        raise SystemExit(f'{args.img}: no images found')
    root = osp.abspath(
        args.img if osp.isdir(args.img) else osp.dirname(args.img) or '.')
    parser = FaceParser(
        args.config,
        args.checkpoint,
        device=args.device,
        detector=args.detector if args.in_the_wild else None,
        crop_mode=args.crop_mode,
        margin=args.margin,
        batch_size=args.batch_size,
        amp=args.amp,
        compile=args.compile)

    failures = []
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
            name = osp.splitext(osp.relpath(osp.abspath(path), root))[0]
            write_outputs(args.out_dir, name, image, labels, faces, parser,
                          args)
            progress.update()
    print(f'\n{len(files) - len(failures)} image(s) parsed, results in '
          f'{args.out_dir}')
    if failures:
        print(f'{len(failures)} file(s) skipped:', file=sys.stderr)
        for message in failures:
            print(f'  {message}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
