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
``<name>`` is the input's path under the folder all inputs share, without
the extension, made unique in the run
(:func:`segface_runtime.output_files.output_stems`). An unreadable image or
video is listed at the end and the others are parsed (exit code 1).

``--onnx F.onnx`` (an export of ``segface export``) or ``--onnx RELEASE``
(exported once and cached) parses tight face crops with
:mod:`segface_runtime` (onnxruntime, no torch in the forward)::

    segface parse face.jpg photos/ --onnx mobilenet_celeba_512 --overlay
"""
import argparse
import os.path as osp
import sys

from segface_runtime.cli import add_output_arguments, run_onnx
from segface_runtime.output_files import (output_errors, output_stems,
                                          prepare_out_dir, report_renamed,
                                          unique_inputs)
from ..apis import list_images
from ..checkpoints import RELEASES
from .face_parser_args import add_face_parser_args, build_face_parser
from .image_job import ImageOutputs, parse_images
from .video_job import VIDEO_EXTENSIONS, FrameOutputs, VideoError, parse_video

DESCRIPTION = 'Parse faces in images, folders of images and videos'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        'inputs', nargs='+', help='image files, folders of images, videos')
    add_face_parser_args(parser, by_name=True)
    add_output_arguments(parser)
    parser.add_argument(
        '--onnx',
        metavar='FILE_OR_RELEASE',
        help='parse with an ONNX export on onnxruntime instead of PyTorch: '
        'an exported file, or a release name (exported once and cached); '
        'tight face crops only (no --in-the-wild, no videos)')
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


def _run_onnx(args: argparse.Namespace) -> int:
    """``--onnx``: the torch-free runtime on the images."""
    if args.in_the_wild:
        raise SystemExit('error: --onnx parses tight face crops; '
                         '--in-the-wild needs the PyTorch model')
    videos = [
        item for item in args.inputs if item.lower().endswith(VIDEO_EXTENSIONS)
    ]
    if videos:
        raise SystemExit(f'error: --onnx parses images, not videos '
                         f'({", ".join(videos)})')
    onnx_file = args.onnx
    if not osp.isfile(onnx_file) and onnx_file in RELEASES:
        from ..deployment import cached_onnx
        onnx_file = cached_onnx(onnx_file)
    return run_onnx(onnx_file, args)


def run(args: argparse.Namespace) -> int:
    if args.onnx:
        return _run_onnx(args)
    images, videos = _split_inputs(args.inputs, args.recursive)
    files = unique_inputs([path for _, found in images for path in found])
    videos = unique_inputs(videos)
    if not files and not videos:
        raise SystemExit(f'error: no images or videos in {args.inputs}')
    # output names, decided for every input before anything is written:
    # the inputs' paths under the folder they all share, unique in the run
    root = osp.commonpath([osp.abspath(root) for root, _ in images] +
                          [osp.dirname(osp.abspath(v)) for v in videos])
    names = output_stems(files + videos, root)
    prepare_out_dir(args.out_dir)
    parser = build_face_parser(args)
    code = 0
    with output_errors(args.out_dir):
        if files:
            outputs = ImageOutputs(
                overlay=args.overlay,
                masks=args.masks,
                soft_masks=args.soft_masks,
                show_faces=args.show_faces,
                opacity=args.opacity)
            code = parse_images(parser, files, names[:len(files)],
                                args.out_dir, outputs, args.in_the_wild)
        failed = []
        for video, name in zip(videos, names[len(files):]):
            out = osp.join(args.out_dir, 'videos', name + '.mp4')
            try:
                count = parse_video(
                    parser,
                    video,
                    out if args.overlay else None,
                    args.opacity,
                    args.show_faces,
                    frame_outputs=FrameOutputs(args.out_dir, name, args.masks,
                                               args.soft_masks,
                                               args.in_the_wild),
                    temporal=not args.no_temporal)
            except VideoError as error:  # listed; the next video goes on
                failed.append(str(error.code).replace('error: ', '', 1))
                continue
            overlaid = f', overlaid video {out}' if args.overlay else ''
            print(f'\n{video}: {count} frame(s) parsed, labels in '
                  f'{osp.join(args.out_dir, "pred", name)}{overlaid}')
    report_renamed(files + videos, names, root)
    if failed:
        print(f'{len(failed)} video(s) not written:', file=sys.stderr)
        for message in failed:
            print(f'  {message}', file=sys.stderr)
        code = 1
    return code
