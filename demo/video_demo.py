# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Parse faces in every frame of a video; write an overlaid video.

Example:
    python demo/video_demo.py in.mp4 CONFIG CHECKPOINT --out out.mp4 \
        --in-the-wild

The same job by model name is ``segface parse in.mp4 --model NAME``. Faces
are tracked and the masks filtered over time so they do not flicker
(``--no-temporal``: each frame on its own). The output is written to a
temporary file next to ``--out`` and renamed when complete. ``.mp4`` uses
the mp4v codec, ``.avi`` MJPG (see --fourcc). ``--out-dir`` also writes
each frame's labels (``pred/<name>/<frame>.png``) and, in the wild, the
faces with their track ids (``faces/<name>.jsonl``).
"""
import argparse
import os.path as osp
import sys

from segface_mmseg.cli.face_parser_args import (add_face_parser_args,
                                                build_face_parser)
from segface_mmseg.cli.video_job import FrameOutputs, parse_video
from segface_runtime.output_files import output_errors


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='SegFace face parsing of a video')
    parser.add_argument('video', help='input video file')
    parser.add_argument('--out', required=True, help='output video file')
    add_face_parser_args(parser)
    parser.add_argument(
        '--max-frames', type=int, default=None, help='stop after N frames')
    parser.add_argument(
        '--fourcc', default=None, help='codec (default: from extension)')
    parser.add_argument(
        '--out-dir',
        default=None,
        help='also write per-frame labels (pred/) and face records here')
    parser.add_argument(
        '--no-temporal',
        action='store_true',
        help='parse each frame on its own (no tracking and filtering)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    parser = build_face_parser(args)
    name = osp.splitext(osp.basename(args.video))[0]
    with output_errors(osp.dirname(args.out) or '.', '--out'):
        count = parse_video(
            parser,
            args.video,
            args.out,
            args.opacity,
            args.show_faces,
            args.max_frames,
            args.fourcc,
            frame_outputs=FrameOutputs(
                args.out_dir, name, in_the_wild=args.in_the_wild),
            temporal=not args.no_temporal)
    print(f'\n{count} frame(s) written to {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
