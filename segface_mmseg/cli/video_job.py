# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Parse every frame of a video; write per-frame labels and an overlaid
video.

Outputs (``name`` is the video's stem, frames numbered from 000000):

- ``pred/<name>/<frame>.png``: class ids (uint8), under ``frames_dir``;
- ``masks/<name>/<frame>/`` and ``soft_masks/<name>/<frame>/``: one image
  per class, as for images (``masks``, ``soft_masks``);
- ``faces/<name>.jsonl``: one record per face per frame with its track id
  (in the wild);
- the overlaid video ``out`` (when given), written to a temporary file next
  to it and renamed when complete. ``.mp4`` and ``.mov`` use the mp4v
  codec, ``.avi`` and ``.mkv`` MJPG.

A truncated video (its frames end before its header says) has the frames
that could be read written, and is then reported as an error.
"""
import errno
import json
import os.path as osp
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Optional

import cv2
from mmengine.utils import ProgressBar

from ..apis import FaceParser
from ..utils import atomic_output
from ..video import VideoFaceParser, VideoFrameResult, VideoFrames
from ..visualization import draw_faces, overlay
from .image_job import ImageOutputs, write_outputs

FOURCC = {'.mp4': 'mp4v', '.avi': 'MJPG', '.mov': 'mp4v', '.mkv': 'MJPG'}
VIDEO_EXTENSIONS = tuple(FOURCC) + ('.webm', '.m4v')


class VideoError(SystemExit):
    """A video that cannot be parsed: unreadable, empty or truncated. A
    ``SystemExit`` (a script ends with its one-line message) that
    ``segface parse`` catches to list it and go on with the next video."""


@dataclass
class FrameOutputs:
    """Per-frame files of a video (see the module docstring); none when
    ``frames_dir`` is None."""
    frames_dir: Optional[str] = None
    name: str = 'video'
    masks: bool = False
    soft_masks: bool = False
    in_the_wild: bool = False


def open_video(path: str) -> cv2.VideoCapture:
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: no such video file')
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise ValueError(f'{path}: OpenCV cannot open this video')
    return capture


def write_frame_outputs(parsed: VideoFrameResult, parser: FaceParser,
                        outputs: FrameOutputs, faces_file) -> None:
    """The per-frame files of one frame, and its face records."""
    if outputs.frames_dir is None:
        return
    write_outputs(
        outputs.frames_dir, f'{outputs.name}/{parsed.index:06d}', parsed.image,
        parsed.result, parser,
        ImageOutputs(
            overlay=False, masks=outputs.masks,
            soft_masks=outputs.soft_masks), False)
    if faces_file is not None:
        for record in parsed.face_records():
            faces_file.write(json.dumps(record) + '\n')


def parse_video(parser: FaceParser,
                video: str,
                out: Optional[str],
                opacity: float = 0.5,
                show_faces: bool = False,
                max_frames: Optional[int] = None,
                fourcc: Optional[str] = None,
                frame_outputs: Optional[FrameOutputs] = None,
                temporal: bool = True) -> int:
    """Parse the frames of ``video``; write the overlaid video to ``out``
    (when given) and the per-frame files of ``frame_outputs``.

    Args:
        temporal (bool): Keep the masks steady over time
            (:class:`VideoFaceParser`); False parses each frame on its own.

    Returns:
        int: The number of frames written.

    Raises:
        VideoError: An unreadable, empty or truncated video (a truncated
            video's frames that could be read are written first).
        OSError: An output that cannot be written (the overlaid video and
            the face records are then left as they were; OpenCV's writer
            fails silently, so the frames of the written video are counted
            before it takes its name); :func:`output_errors` makes it one
            line.
    """
    frame_outputs = frame_outputs or FrameOutputs()
    try:
        frames = VideoFrames(open_video(video))
    except (FileNotFoundError, ValueError) as error:
        raise VideoError(f'error: {error}')
    total = frames.total
    if max_frames:
        total = min(total, max_frames) if total > 0 else max_frames
    fourcc = _fourcc(out, fourcc)
    video_parser = VideoFaceParser(parser, temporal=temporal)
    try:
        with ExitStack() as stack:
            writer, tmp = _open_writer(stack, out, fourcc, frames)
            faces_file = _open_faces(stack, frame_outputs)
            count = _parse_frames(frames, video_parser, writer, faces_file,
                                  frame_outputs, opacity, show_faces, total,
                                  max_frames)
            if count == 0:
                raise VideoError(f'error: {video}: no frame could be read; '
                                 'nothing was written')
            if writer is not None:
                _check_written(writer, tmp, count, out)
    finally:
        frames.close()
    if count < total:
        raise VideoError(
            f'error: {video}: only {count} of its {total} frames could be '
            f'read (truncated or corrupt?); the {count} frames read were '
            'written')
    return count


def _parse_frames(frames, video_parser, writer, faces_file, frame_outputs,
                  opacity, show_faces, total, max_frames) -> int:
    """Parse, overlay and write each frame, with a progress bar and the
    frame rate. Returns how many frames were written."""
    parser = video_parser.parser
    progress = ProgressBar(total)  # total 0: a count and the rate
    count = 0
    for parsed in video_parser(
            _limit(frames, max_frames), probs=frame_outputs.soft_masks):
        write_frame_outputs(parsed, parser, frame_outputs, faces_file)
        if writer is not None:
            vis = overlay(parsed.image, parsed.result.labels, parser.palette,
                          opacity)
            if show_faces:
                vis = draw_faces(vis,
                                 [f.detection for f in parsed.result.faces])
            writer.write(vis)
        count += 1
        progress.update()
    return count


def _limit(frames, max_frames):
    """The frames, at most ``max_frames`` of them."""
    for index, frame in enumerate(frames):
        yield frame
        if max_frames and index + 1 >= max_frames:
            return


def _fourcc(out: Optional[str], fourcc: Optional[str]) -> Optional[str]:
    if out is None:
        return None
    ext = osp.splitext(out)[1].lower()
    fourcc = fourcc or FOURCC.get(ext)
    if fourcc is None:
        raise SystemExit(f'{out}: unknown video extension {ext!r}; '
                         f'use one of {sorted(FOURCC)} or pass --fourcc')
    return fourcc


def _open_writer(stack: ExitStack, out: Optional[str], fourcc: str,
                 frames: VideoFrames):
    """The overlaid video's writer and its temporary file, renamed when the
    stack closes without error; ``(None, None)`` without ``out``."""
    if out is None:
        return None, None
    tmp = stack.enter_context(atomic_output(out))
    writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*fourcc), frames.rate,
                             frames.size)
    if not writer.isOpened():
        raise SystemExit(f'{out}: OpenCV cannot write {fourcc} video')
    stack.callback(writer.release)
    return writer, tmp


def _check_written(writer, tmp: str, count: int, out: str) -> None:
    """OpenCV's writer ignores write errors (a full disk): count the frames
    in the file before it takes the output's name."""
    writer.release()
    capture = cv2.VideoCapture(tmp)
    written = 0
    while capture.isOpened() and capture.grab():
        written += 1
    capture.release()
    if written != count:
        raise OSError(
            errno.EIO, f'OpenCV wrote {written} of its {count} '
            'frames (is the disk full?)', out)


def _open_faces(stack: ExitStack, outputs: FrameOutputs):
    """``faces/<name>.jsonl``, written through a temporary file; None
    unless in the wild."""
    if outputs.frames_dir is None or not outputs.in_the_wild:
        return None
    path = osp.join(outputs.frames_dir, 'faces', outputs.name + '.jsonl')
    tmp = stack.enter_context(atomic_output(path))
    return stack.enter_context(open(tmp, 'w'))
