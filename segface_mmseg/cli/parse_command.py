# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``segface parse``: face parsing of images, folders and videos by model
name.

Example::

    segface parse face.jpg photos/ clip.mp4 --model swinb_celeba_512 \\
        --out-dir out --in-the-wild --overlay --masks

Images give the outputs of :mod:`.image_job` (``pred/``, ``vis/``,
``masks/``, ``soft_masks/``, ``faces/``); each video gives the same per
frame (``pred/<name>/<frame>.png``, ``faces/<name>.jsonl`` with track
ids), steady over time unless ``--no-temporal``, and with ``--overlay``
``videos/<name>.mp4``, its frames overlaid (see :mod:`.video_job`).
"""
import argparse
import os.path as osp

from ..apis import list_images
from .face_parser_args import add_face_parser_args, build_face_parser
from .image_job import ImageOutputs, output_names, parse_images
from .video_job import VIDEO_EXTENSIONS, FrameOutputs, parse_video

DESCRIPTION = 'Parse faces in images, folders of images and videos'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        'inputs', nargs='+', help='image files, folders of images, videos')
    add_face_parser_args(parser, by_name=True)
    parser.add_argument(
        '--out-dir',
        default='segface_outputs',
        help='output folder (default: %(default)s)')
    parser.add_argument(
        '--recursive', action='store_true', help='also read sub-folders')
    parser.add_argument(
        '--overlay',
        action='store_true',
        help='write colour overlays (vis/<name>.jpg, with a legend)')
    parser.add_argument(
        '--masks',
        action='store_true',
        help='write one 0/255 mask per class (masks/<name>/)')
    parser.add_argument(
        '--soft-masks',
        action='store_true',
        help='write each class probability as a 0-255 image '
        '(soft_masks/<name>/)')
    parser.add_argument(
        '--no-temporal',
        action='store_true',
        help='videos: parse each frame on its own (default: track faces '
        'and filter the masks over time, so they do not flicker)')


def _split_inputs(inputs, recursive: bool):
    """Images (with the folder their names are relative to) and videos."""
    images, videos = [], []
    for item in inputs:
        if osp.isfile(item) and item.lower().endswith(VIDEO_EXTENSIONS):
            videos.append(item)
        elif osp.isdir(item):
            images.append((item, list_images(item, recursive=recursive)))
        elif osp.isfile(item):
            images.append((osp.dirname(item) or '.', [item]))
        else:
            raise SystemExit(f'error: {item}: no such file or folder')
    return images, videos


def run(args: argparse.Namespace) -> int:
    images, videos = _split_inputs(args.inputs, args.recursive)
    files = [path for _, found in images for path in found]
    if not files and not videos:
        raise SystemExit(f'error: no images or videos in {args.inputs}')
    # output names: the inputs' paths under the folder they all share
    root = osp.commonpath([osp.abspath(root) for root, _ in images] or ['.'])
    names = output_names(files, root)
    parser = build_face_parser(args)
    code = 0
    if files:
        outputs = ImageOutputs(
            overlay=args.overlay,
            masks=args.masks,
            soft_masks=args.soft_masks,
            show_faces=args.show_faces,
            opacity=args.opacity)
        code = parse_images(parser, files, names, args.out_dir, outputs,
                            args.in_the_wild)
    for video in videos:
        name = osp.splitext(osp.basename(video))[0]
        out = osp.join(args.out_dir, 'videos', name + '.mp4')
        count = parse_video(
            parser,
            video,
            out if args.overlay else None,
            args.opacity,
            args.show_faces,
            frame_outputs=FrameOutputs(args.out_dir, name, args.masks,
                                       args.soft_masks, args.in_the_wild),
            temporal=not args.no_temporal)
        print(f'\n{video}: {count} frame(s) parsed, results in '
              f'{args.out_dir}')
    return code
