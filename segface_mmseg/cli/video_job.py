# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Parse every frame of a video into an overlaid video.

The output is written to a temporary file next to it and renamed when
complete; a video whose frames end before its header says is refused.
``.mp4`` and ``.mov`` use the mp4v codec, ``.avi`` and ``.mkv`` MJPG.
"""
import errno
import os.path as osp
from typing import Optional

import cv2
from mmengine.utils import ProgressBar

from ..apis import FaceParser
from ..utils import atomic_output
from ..visualization import draw_faces, overlay

FOURCC = {'.mp4': 'mp4v', '.avi': 'MJPG', '.mov': 'mp4v', '.mkv': 'MJPG'}
VIDEO_EXTENSIONS = tuple(FOURCC) + ('.webm', '.m4v')


class VideoError(SystemExit):
    """A video that cannot be parsed: unreadable, empty or truncated. A
    ``SystemExit`` (a script ends with its one-line message) that
    ``segface parse`` catches to list it and go on with the next video."""


def open_video(path: str) -> cv2.VideoCapture:
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: no such video file')
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise ValueError(f'{path}: OpenCV cannot open this video')
    return capture


def _write_frames(capture, writer, parser: FaceParser, opacity: float,
                  show_faces: bool, total: int, max_frames: Optional[int]):
    """Parse and overlay the frames of ``capture`` into ``writer``, in
    batches of ``parser.batch_size``; returns how many were written."""
    count = 0
    progress = ProgressBar(total) if total > 0 else None
    done = False
    while not done:
        frames = []
        while len(frames) < parser.batch_size:
            ok, frame = capture.read()
            if not ok or (max_frames and count + len(frames) >= max_frames):
                done = True
                break
            frames.append(frame)
        if not frames:
            break
        for frame, (labels,
                    faces) in zip(frames,
                                  parser.parse(frames, return_faces=True)):
            vis = overlay(frame, labels, parser.palette, opacity)
            if show_faces:
                vis = draw_faces(vis, faces)
            writer.write(vis)
            count += 1
            if progress is not None and count <= total:
                progress.update()
    return count


def parse_video(parser: FaceParser,
                video: str,
                out: str,
                opacity: float = 0.5,
                show_faces: bool = False,
                max_frames: Optional[int] = None,
                fourcc: Optional[str] = None) -> int:
    """Write the overlaid frames of ``video`` to ``out``.

    Returns:
        int: The number of frames written.

    Raises:
        VideoError: An unreadable, empty or truncated video (``out`` is
            then left as it was).
        SystemExit: An output that cannot be written.
        OSError: The written video holds fewer frames than were parsed
            (OpenCV's writer fails silently, on a full disk for one).
    """
    try:
        capture = open_video(video)
    except (FileNotFoundError, ValueError) as error:
        raise VideoError(f'error: {error}')
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    if max_frames:
        total = min(total, max_frames) if total > 0 else max_frames
    ext = osp.splitext(out)[1].lower()
    fourcc = fourcc or FOURCC.get(ext)
    if fourcc is None:
        raise SystemExit(f'{out}: unknown video extension {ext!r}; '
                         f'use one of {sorted(FOURCC)} or pass --fourcc')
    with atomic_output(out) as tmp:
        writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*fourcc), fps,
                                 (width, height))
        if not writer.isOpened():
            raise SystemExit(f'{out}: OpenCV cannot write {fourcc} video')
        try:
            count = _write_frames(capture, writer, parser, opacity, show_faces,
                                  total, max_frames)
        finally:
            writer.release()
            capture.release()
        if count == 0:
            raise VideoError(f'error: {video}: no frame could be read; '
                             f'{out} was not written')
        if count < total:
            raise VideoError(
                f'error: {video}: only {count} of its {total} frames '
                f'could be read (truncated or corrupt?); {out} was not '
                'written')
        # OpenCV's writer ignores write errors (a full disk): count the
        # frames it wrote before the file takes the output's name
        written = _frames_in(tmp)
        if written != count:
            raise OSError(
                errno.EIO, f'OpenCV wrote {written} of its {count} frames '
                '(is the disk full?)', out)
    return count


def _frames_in(path: str) -> int:
    """How many frames of a video file can be read (not decoded)."""
    capture = cv2.VideoCapture(path)
    count = 0
    while capture.isOpened() and capture.grab():
        count += 1
    capture.release()
    return count
