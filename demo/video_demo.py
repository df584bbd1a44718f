# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Parse faces in every frame of a video; write an overlaid video.

Example:
    python demo/video_demo.py in.mp4 CONFIG CHECKPOINT --out out.mp4 \
        --in-the-wild

The output is written to a temporary file next to ``--out`` and renamed
when complete. ``.mp4`` uses the mp4v codec, ``.avi`` MJPG (see --fourcc).
"""
import argparse
import os.path as osp
import sys

import cv2
from mmengine.utils import ProgressBar

from segface_mmseg.apis import add_face_parser_args, build_face_parser
from segface_mmseg.utils import atomic_output
from segface_mmseg.visualization import draw_faces, overlay

FOURCC = {'.mp4': 'mp4v', '.avi': 'MJPG', '.mov': 'mp4v', '.mkv': 'MJPG'}


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
    return parser.parse_args(argv)


def open_video(path):
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: no such video file')
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise ValueError(f'{path}: OpenCV cannot open this video')
    return capture


def write_frames(capture, writer, parser, args, total) -> int:
    """Parse and overlay the frames of ``capture`` into ``writer``, in
    batches of ``--batch-size``; returns how many were written."""
    count = 0
    progress = ProgressBar(total) if total > 0 else None
    done = False
    while not done:
        frames = []
        while len(frames) < args.batch_size:
            ok, frame = capture.read()
            if not ok or (args.max_frames
                          and count + len(frames) >= args.max_frames):
                done = True
                break
            frames.append(frame)
        if not frames:
            break
        for frame, (labels,
                    faces) in zip(frames,
                                  parser.parse(frames, return_faces=True)):
            vis = overlay(frame, labels, parser.palette, args.opacity)
            if args.show_faces:
                vis = draw_faces(vis, faces)
            writer.write(vis)
            count += 1
            if progress is not None and count <= total:
                progress.update()
    return count


def main(argv=None):
    args = parse_args(argv)
    try:
        capture = open_video(args.video)
    except (FileNotFoundError, ValueError) as error:
        raise SystemExit(f'error: {error}')
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    if args.max_frames:
        total = min(total, args.max_frames) if total > 0 else args.max_frames
    ext = osp.splitext(args.out)[1].lower()
    fourcc = args.fourcc or FOURCC.get(ext)
    if fourcc is None:
        raise SystemExit(f'{args.out}: unknown video extension {ext!r}; '
                         f'use one of {sorted(FOURCC)} or pass --fourcc')
    parser = build_face_parser(args)

    # the output appears under its name only when every frame is in it
    with atomic_output(args.out) as tmp:
        writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*fourcc), fps,
                                 (width, height))
        if not writer.isOpened():
            raise SystemExit(f'{args.out}: OpenCV cannot write {fourcc} '
                             'video')
        try:
            count = write_frames(capture, writer, parser, args, total)
        finally:
            writer.release()
            capture.release()
        if count == 0:
            raise SystemExit(f'error: {args.video}: no frame could be read; '
                             f'{args.out} was not written')
        if count < total:
            raise SystemExit(
                f'error: {args.video}: only {count} of its {total} frames '
                f'could be read (truncated or corrupt?); {args.out} was not '
                'written')
    print(f'\n{count} frame(s) written to {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
