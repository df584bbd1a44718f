# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Video stability: per-frame parsing vs temporal filtering, on synthetic
videos with known ground truth.

Each video moves the demo's drawn faces (``demo/synthetic_faces``) along
smooth random camera paths (translation, rotation, scale; slow or fast),
adds sensor noise and JPEG coding to every frame. Videos: ``slow``,
``fast``, ``noisy`` (strong noise, JPEG quality 40), ``cut`` (a scene cut
at frame 50), and in the wild ``two_faces`` and ``leaves`` (a face leaves
the frame and comes back), parsed through a detector that answers with the
true face boxes plus jitter (2% of the face size), so the crops jitter as
with a real detector.

Columns, per video and method: mean F1 (%) of the foreground classes
against the moved ground truth; flicker (% of pixels whose predicted label
changes between consecutive frames where the ground truth does not: under
camera motion this also counts the motion of a correct but offset
boundary); flicker, moved (the same against the previous prediction moved by
the known motion, where the moved ground truth agrees: the flicker of scene
points);
temporal consistency (mIoU % of each prediction with the previous one moved
by the known motion); time per frame (median, ms) and its overhead over
per-frame parsing. Run from the repository root, after ``make demo``::

    python -m benchmarks.video_stability \\
        --checkpoint work_dirs/demo/iter_1000.pth --out docs/video_stability
"""
import argparse
import inspect
import os.path as osp
import time

import cv2
import numpy as np
import torch

from benchmarks import cpu_description, repo_path, write_table
from demo.synthetic_faces import DEFAULT_CONFIG, draw_face
from segface_mmseg.apis import FaceDetection, FaceParser
from segface_mmseg.video import VideoFaceParser

SIDE = 256
# (name, faces, speed, noise sigma, JPEG quality, scene cut, face leaves)
VIDEOS = (('slow', 1, 0.3, 4, 75, False,
           False), ('fast', 1, 1.0, 4, 75, False,
                    False), ('noisy', 1, 0.5, 12, 40, False,
                             False), ('cut', 1, 0.5, 4, 75, True, False),
          ('two_faces', 2, 0.5, 4, 75, False, False), ('leaves', 1, 0.5, 4, 75,
                                                       False, True))
WARP_NAMES = dict(
    none='temporal (no warp)',
    transform='temporal+transform',
    flow='temporal+flow')
DEFAULT_WARP = inspect.signature(VideoFaceParser).parameters['warp'].default
DEFAULT_METHOD = WARP_NAMES[DEFAULT_WARP] + ' (default)'
METHODS = (('per-frame', dict(temporal=False)), ) + tuple(
    (DEFAULT_METHOD if warp == DEFAULT_WARP else name, dict(warp=warp))
    for warp, name in WARP_NAMES.items())


def camera_path(rng, frames, speed):
    """Per frame, a 2 x 3 similarity (tile -> frame) around the tile centre:
    sums of slow sinusoids; ``speed`` 1 moves ~6 px and 1.5 deg a frame."""
    t = np.arange(frames)[:, None]
    freq = rng.uniform(0.5, 1.5, (1, 4)) * speed * 2 * np.pi / 40
    phase = rng.uniform(0, 2 * np.pi, (1, 4))
    wave = np.sin(freq * t + phase)
    shift = wave[:, :2] * 40 * min(1.0, speed * 1.5)
    angle = wave[:, 2] * 10 * speed
    scale = 1 + wave[:, 3] * 0.08
    mats = [
        cv2.getRotationMatrix2D((SIDE / 2, SIDE / 2), a, s)
        for a, s in zip(angle, scale)
    ]
    for m, d in zip(mats, shift):
        m[:, 2] += d
    return mats


def make_video(seed, faces, speed, noise, quality, cut, leaves, frames):
    """Frames (BGR), ground-truth labels, per-frame tile matrices (with the
    tile's offset in the frame) and true boxes."""
    rng = np.random.default_rng(seed)
    tiles = [draw_face(rng, SIDE) for _ in range(faces + int(cut))]
    paths = [camera_path(rng, frames, speed) for _ in tiles]
    video = []
    for i in range(frames):
        frame = np.full((SIDE, SIDE * faces, 3), 127, np.uint8)
        labels = np.zeros(frame.shape[:2], np.uint8)
        owners, boxes = [], []
        for k in range(faces):
            tile = k + (1 if cut and i >= frames // 2 else 0) * (faces)
            image, label = tiles[tile][0], tiles[tile][1]
            m = paths[tile][i].copy()
            m[0, 2] += SIDE * k
            if leaves and 35 <= i < 65:  # out of the frame and back
                m[0, 2] += SIDE * 1.2 * np.sin(np.pi * (i - 35) / 30)
            size = frame.shape[1::-1]
            warped = cv2.warpAffine(
                image[..., ::-1], m, size, borderMode=cv2.BORDER_REFLECT)
            mask = cv2.warpAffine(
                np.ones((SIDE, SIDE), np.uint8),
                m,
                size,
                flags=cv2.INTER_NEAREST) > 0
            frame[mask] = warped[mask]
            labels[mask] = cv2.warpAffine(
                label,
                m,
                size,
                flags=cv2.INTER_NEAREST,
                borderMode=cv2.BORDER_REFLECT)[mask]
            owners.append((mask, m))
            corners = cv2.transform(
                np.array([[[0, 0], [SIDE, 0], [0, SIDE], [SIDE, SIDE]]],
                         np.float64), m)[0]
            lo, hi = corners.min(0), corners.max(0)
            if mask.mean() * faces > 0.4:  # mostly in the frame: detectable
                jitter = rng.normal(0, 0.02 * (hi - lo).max(), 4)
                boxes.append(np.concatenate([lo, hi]) + jitter)
        noisy = frame + rng.normal(0, noise, frame.shape)
        ok, code = cv2.imencode('.jpg',
                                np.clip(noisy, 0, 255).astype(np.uint8),
                                [cv2.IMWRITE_JPEG_QUALITY, quality])
        video.append((cv2.imdecode(code,
                                   cv2.IMREAD_COLOR), labels, owners, boxes))
    return video


def mean_f1(pred, gt, num_classes):
    scores = []
    for c in range(1, num_classes):
        p, g = pred == c, gt == c
        if p.any() or g.any():
            scores.append(2 * (p & g).sum() / (p.sum() + g.sum()))
    return 100 * float(np.mean(scores)) if scores else np.nan


def miou(a, b, num_classes):
    scores = [((a == c) & (b == c)).sum() / ((a == c) | (b == c)).sum()
              for c in range(num_classes) if ((a == c) | (b == c)).any()]
    return 100 * float(np.mean(scores))


def moved_back(previous, owners_prev, owners):
    """The previous prediction moved by each face tile's known motion."""
    h, w = previous.shape
    out = previous.copy()
    for (mask, m), (_, m_prev) in zip(owners, owners_prev):
        cur_to_prev = (np.vstack([m_prev, [0, 0, 1]]) @ np.linalg.inv(
            np.vstack([m, [0, 0, 1]])))[:2]
        moved = cv2.warpAffine(
            previous,
            cur_to_prev, (w, h),
            flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP)
        out[mask] = moved[mask]
    return out


def run_method(parser, video, options, num_classes, cut_at):
    calls = iter(range(10**9))

    def detector(image):  # the true boxes, with jitter
        return [FaceDetection(b) for b in video[next(calls)][3]]

    if parser.detector is not None:
        parser.detector = detector
    stream = VideoFaceParser(parser, **options)(v[0] for v in video)
    times, preds = [], []
    start = time.perf_counter()
    for parsed in stream:
        preds.append(parsed.result.labels)
        now = time.perf_counter()
        times.append(now - start)
        start = now
    # frames without a face in the truth or the prediction have no F1
    f1 = np.nanmean(
        [mean_f1(p, v[1], num_classes) for p, v in zip(preds, video)])
    flicker, moved_flicker, consistency = [], [], []
    for i in range(1, len(video)):
        if i == cut_at:
            flicker.append(np.nan)
            continue
        still = video[i][1] == video[i - 1][1]
        flicker.append(100 * (preds[i] != preds[i - 1])[still].mean())
        moved = moved_back(preds[i - 1], video[i - 1][2], video[i][2])
        same_truth = video[i][1] == moved_back(video[i - 1][1],
                                               video[i - 1][2], video[i][2])
        moved_flicker.append(100 * (preds[i] != moved)[same_truth].mean())
        consistency.append(miou(preds[i], moved, num_classes))
    return dict(
        f1=f1,
        flicker=np.nanmean(flicker),
        moved_flicker=np.mean(moved_flicker),
        per_frame_moved=moved_flicker,
        tc=np.mean(consistency),
        ms=1000 * np.median(times[1:]),
        preds=preds)


def strip(video, results, palette):
    """Three consecutive frames; rows: the frame, per-frame labels,
    temporal labels."""
    from segface_mmseg.visualization import overlay
    frames = range(len(video) // 5, len(video) // 5 + 3)
    rows = []
    for key in (None, 'per-frame', DEFAULT_METHOD):
        row = []
        for i in frames:
            image = video[i][0]
            if key is not None:
                image = overlay(image, results[key]['preds'][i], palette, 0.7)
            row.append(cv2.resize(image, None, fx=0.3, fy=0.3))
        rows.append(np.concatenate(row, axis=1))
    return np.concatenate(rows, axis=0)


def plot(results, name, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 2.4), dpi=100)
    for key in ('per-frame', DEFAULT_METHOD):
        ax.plot(
            range(1,
                  len(results[key]['per_frame_moved']) + 1),
            results[key]['per_frame_moved'],
            label=key)
    ax.set_xlabel(f'frame ({name})')
    ax.set_ylabel('flicker, moved (%)')
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv=None):
    args = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    args.add_argument('--config', default=DEFAULT_CONFIG)
    args.add_argument('--checkpoint', default='work_dirs/demo/iter_1000.pth')
    args.add_argument('--frames', type=int, default=100)
    args.add_argument('--threads', type=int, default=1)
    args.add_argument('--out', help='folder for the table and pictures')
    args = args.parse_args(argv)
    torch.set_num_threads(args.threads)
    checkpoint = repo_path(args.checkpoint)
    if not osp.isfile(checkpoint):
        raise SystemExit(f'{checkpoint}: no checkpoint; run `make demo`')
    parsers = dict(
        whole=FaceParser(repo_path(args.config), checkpoint),
        wild=FaceParser(
            repo_path(args.config),
            checkpoint,
            detector=lambda image: [],
            crop_mode='box',
            margin=0.0))
    num_classes = len(parsers['whole'].classes)
    lines = [
        f'CPU: {cpu_description()}, '
        f'{args.threads} thread(s); {args.frames} frames per video', '',
        '| video | method | mean F1 (%) | flicker (%) | flicker, moved (%) '
        '| temporal mIoU (%) | ms / frame | overhead |',
        '|---|---|---|---|---|---|---|---|'
    ]
    seeds = dict(zip((v[0] for v in VIDEOS), range(len(VIDEOS))))
    for name, faces, speed, noise, quality, cut, leaves in VIDEOS:
        video = make_video(seeds[name], faces, speed, noise, quality, cut,
                           leaves, args.frames)
        parser = parsers['wild' if faces > 1 or leaves else 'whole']
        results = {}
        for method, options in METHODS:
            if parser.detector is None and options.get('warp') == 'transform':
                continue  # whole frames: no crop transform to move by
            results[method] = run_method(parser, video, options, num_classes,
                                         args.frames // 2 if cut else -1)
        base = results['per-frame']
        for method, r in results.items():
            lines.append(
                f"| {name} | {method} | {r['f1']:.1f} | {r['flicker']:.2f} "
                f"| {r['moved_flicker']:.2f} | {r['tc']:.1f} | {r['ms']:.1f} "
                f"| {100 * (r['ms'] / base['ms'] - 1):+.0f}% |")
            print(lines[-1], flush=True)
        if args.out and name == 'two_faces':
            plot(results, name, osp.join(args.out, 'video_flicker.png'))
            cv2.imwrite(
                osp.join(args.out, 'video_strip.png'),
                strip(video, results, parser.palette))
    print('\n'.join(lines))
    if args.out:
        write_table(osp.join(args.out, 'video_stability.md'), lines)


if __name__ == '__main__':
    main()
