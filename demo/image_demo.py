# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Parse faces in an image or a folder; write label maps and overlays.

Examples:
    python demo/image_demo.py face.jpg CONFIG CHECKPOINT
    python demo/image_demo.py photos/ CONFIG CHECKPOINT --out-dir out \
        --in-the-wild --masks --batch-size 4

The same job by model name is ``segface parse``. Outputs (under --out-dir,
file names follow the inputs, made unique in the run: face.jpg and face.png
give face_jpg and face_png, face.jpg and face.JPG face_jpg and face_jpg_2):
    pred/<name>.png        class ids (uint8, 0 = background)
    vis/<name>.jpg         colour overlay with a legend
    masks/<name>/<id>_<class>.png   one 0/255 mask per class (--masks)
    faces/<name>.json      the detected faces (--in-the-wild)
"""
import argparse
import os.path as osp
import sys

from segface_mmseg.apis import list_images
from segface_mmseg.cli.face_parser_args import (add_face_parser_args,
                                                build_face_parser)
from segface_mmseg.cli.image_job import ImageOutputs, parse_images
from segface_runtime.output_files import (output_errors, output_stems,
                                          prepare_out_dir, report_renamed)


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


def main(argv=None):
    args = parse_args(argv)
    files = list_images(args.img, recursive=args.recursive)
    if not files:
        raise SystemExit(f'{args.img}: no images found')
    root = osp.abspath(
        args.img if osp.isdir(args.img) else osp.dirname(args.img) or '.')
    names = output_stems(files, root)  # unique, before anything is written
    prepare_out_dir(args.out_dir)
    parser = build_face_parser(args)
    outputs = ImageOutputs(
        masks=args.masks,
        legend=not args.no_legend,
        show_faces=args.show_faces,
        opacity=args.opacity)
    with output_errors(args.out_dir):
        code = parse_images(parser, files, names, args.out_dir, outputs,
                            args.in_the_wild)
    report_renamed(files, names, root)
    return code


if __name__ == '__main__':
    sys.exit(main())
