# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Parse faces in every frame of a video; write an overlaid video.

Example:
    python demo/video_demo.py in.mp4 CONFIG CHECKPOINT --out out.mp4 \
        --in-the-wild

The output is written to a temporary file next to ``--out`` and renamed
when complete. ``.mp4`` uses the mp4v codec, ``.avi`` MJPG (see --fourcc).
"""
import argparse
import os
import os.path as osp
import sys
import tempfile

import cv2
from mmengine.utils import ProgressBar

from segface_mmseg.apis import add_face_parser_args, build_face_parser
from segface_mmseg.apis.image_io import default_file_mode
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


def main(argv=None):
    args = parse_args(argv)
    capture = open_video(args.video)
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    if args.max_frames:
        total = min(total, args.max_frames) if total > 0 else args.max_frames
    parser = build_face_parser(args)

    ext = osp.splitext(args.out)[1].lower()
    fourcc = args.fourcc or FOURCC.get(ext)
    if fourcc is None:
        raise SystemExit(f'{args.out}: unknown video extension {ext!r}; '
                         f'use one of {sorted(FOURCC)} or pass --fourcc')
    folder = osp.dirname(osp.abspath(args.out))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.tmp_', suffix=ext, dir=folder)
    os.close(fd)
    writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*fourcc), fps,
                             (width, height))
    if not writer.isOpened():
        os.remove(tmp)
        raise SystemExit(f'{args.out}: OpenCV cannot write {fourcc} video')

    count = 0
    progress = ProgressBar(total) if total > 0 else None
    try:
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
    except BaseException:
        writer.release()
        os.remove(tmp)
        raise
    finally:
        capture.release()
    writer.release()
    if count == 0:
        os.remove(tmp)
        raise SystemExit(f'{args.video}: no frame could be read')
    os.chmod(tmp, default_file_mode())
    os.replace(tmp, args.out)
    print(f'\n{count} frame(s) written to {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
