# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Shared machinery of the dataset converters.

Every converter maps one task per sample (an image and its label) with
:func:`run_tasks`, which gives them the same behaviour:

- a progress bar, one or more worker processes;
- idempotence: a task whose outputs all exist and are newer than its
  inputs is skipped. Outputs are
  written atomically (a hidden temporary file in the same folder, then a
  rename), so an existing output is always a complete one;
- a bad input (missing, truncated or corrupt, wrongly sized, label values
  outside the classes; see :mod:`.input_checks`) raises
  :class:`ConversionError` naming the file. The
  run stops there, after the workers have finished their current sample,
  so nothing is left half-written. With ``skip_bad=True`` the sample is
  skipped instead and listed in the summary.
"""
import argparse
import multiprocessing
import os
import os.path as osp
import sys
import traceback
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np
from mmengine.utils import ProgressBar
from PIL import Image

# the converters clean up after killed runs through this module
from segface_runtime.atomic_files import remove_stale_temporaries  # noqa: F401
from segface_runtime.atomic_files import atomic_output, atomic_write_bytes
from .input_checks import ConversionError


# ----------------------------------------------------------------- writing
def _commit(write: Callable[[str], None], path: str) -> None:
    """Write through a hidden temporary file, then rename it to ``path``."""
    with atomic_output(path) as tmp:
        write(tmp)


def save_image(path: str, img, format: str, **kwargs) -> None:
    """Save a PIL image or an array atomically (``format``: 'PNG', ...)."""
    if isinstance(img, np.ndarray):
        img = Image.fromarray(img)
    _commit(lambda tmp: img.save(tmp, format=format, **kwargs), path)


def copy_file(src: str, dst: str) -> None:
    """Copy the bytes of ``src`` to ``dst`` atomically."""
    with open(src, 'rb') as f:
        data = f.read()
    write_bytes(dst, data)


def write_bytes(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    atomic_write_bytes(path, data)


def write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    write_bytes(path, text.encode())


def write_landmarks(path: str, points: np.ndarray) -> None:
    """Write 5 x 2 points as 5 lines ``x y`` (pixels), atomically."""
    write_text(path, ''.join(f'{x:.6f} {y:.6f}\n' for x, y in points))


def outputs_current(outputs: Sequence[str], inputs: Sequence[str]) -> bool:
    """Whether every output of a task is written and none is older than its
    inputs (a raw file changed after the conversion is converted again)."""
    if not all(osp.isfile(p) for p in outputs):
        return False
    newest_input = max(
        (os.stat(p).st_mtime_ns for p in inputs if osp.isfile(p)), default=0)
    return min(os.stat(p).st_mtime_ns for p in outputs) >= newest_input


# ----------------------------------------------------------------- running
_STOP = None


def _init_worker(stop_event) -> None:
    global _STOP
    _STOP = stop_event


def _run_one(job):
    """Run one task and report its outcome without raising."""
    func, task = job
    if _STOP is not None and _STOP.is_set():
        return 'cancelled', None
    try:
        return 'done', func(task)
    except ConversionError as err:
        return 'bad', str(err)
    except Exception:  # a bug or an OS error: always stops the run
        return 'error', traceback.format_exc()


def run_tasks(func: Callable,
              tasks: Sequence,
              nproc: int = 1,
              skip_bad: bool = False) -> Tuple[list, List[str]]:
    """Run ``func`` on every task with a progress bar.

    ``func`` must be a module-level function (it is sent to worker
    processes) that returns a result or raises :class:`ConversionError`.

    Args:
        func (callable): The per-task function.
        tasks (Sequence): Picklable task descriptions.
        nproc (int): Worker processes; 1 runs in this process.
        skip_bad (bool): Skip tasks with bad inputs instead of stopping.

    Returns:
        tuple[list, list[str]]: Results of the finished tasks, and the
        messages of the skipped bad inputs.

    Raises:
        ConversionError: The first bad input, unless ``skip_bad``.
        RuntimeError: Any other error in a task.
    """
    results, bad, errors = [], [], []
    progress = ProgressBar(len(tasks))

    def collect(outcome) -> bool:
        """Record an outcome; return whether the run must stop."""
        status, value = outcome
        progress.update()
        if status == 'done':
            results.append(value)
        elif status == 'bad':
            bad.append(value)
            return not skip_bad
        elif status == 'error':
            errors.append(value)
            return True
        return False

    jobs = [(func, task) for task in tasks]
    if nproc <= 1:
        for job in jobs:
            if collect(_run_one(job)):
                break
    else:
        stop = multiprocessing.Event()
        with multiprocessing.Pool(nproc, _init_worker, (stop, )) as pool:
            # after a stop, the remaining queued jobs return 'cancelled'
            for outcome in pool.imap_unordered(_run_one, jobs, chunksize=4):
                if collect(outcome):
                    stop.set()
            pool.close()
            pool.join()
    print()
    if errors:
        raise RuntimeError('conversion failed:\n' + errors[0])
    if bad and not skip_bad:
        raise ConversionError(bad[0])
    return results, bad


def write_split_files(out_dir: str, names: Dict[str, Sequence[str]]) -> None:
    """Write ``{split}.txt`` files listing sample names, one a line."""
    for split, split_names in names.items():
        write_text(
            osp.join(out_dir, f'{split}.txt'),
            ''.join(f'{name}\n' for name in split_names))


def summarize(out_dir: str, split_names: Dict[str, Sequence[str]],
              results: Sequence[Tuple[str, str,
                                      str]], bad: Sequence[str]) -> dict:
    """Build and print the summary of a run.

    Args:
        out_dir (str): Output root.
        split_names (dict[str, list[str]]): Converted samples per split.
        results (Sequence[tuple]): ``(status, split, name)`` per finished
            task, status 'converted', 'upgraded' (rewritten over an output
            of an older converter version, or of raw files changed since)
            or 'existing'.
        bad (Sequence[str]): Messages of skipped bad inputs.

    Returns:
        dict: ``out_dir``, ``splits`` (samples per split), ``converted``
        (written by this run, upgrades included), ``upgraded``, ``existing``
        (skipped, already converted) and ``bad`` (messages).
    """
    statuses = [r[0] for r in results]
    summary = dict(
        out_dir=out_dir,
        splits={split: len(names)
                for split, names in split_names.items()},
        converted=statuses.count('converted') + statuses.count('upgraded'),
        upgraded=statuses.count('upgraded'),
        existing=statuses.count('existing'),
        bad=list(bad))
    counts = ', '.join(f'{split} {n}'
                       for split, n in summary['splits'].items())
    upgraded = (f' ({summary["upgraded"]} of them over an older or '
                'outdated conversion)' if summary['upgraded'] else '')
    print(f'{out_dir}: {counts}; {summary["converted"]} converted{upgraded}, '
          f'{summary["existing"]} already there, {len(bad)} bad inputs '
          'skipped')
    for message in bad:
        print(f'  skipped: {message}')
    return summary


def convert_all(convert_one: Callable,
                tasks: Sequence,
                names: Dict[str, Sequence[str]],
                out_dir: str,
                nproc: int = 1,
                skip_bad: bool = False,
                skipped: Sequence[str] = ()) -> dict:
    """The tail every converter shares: remove the temporaries an
    interrupted run left, run the tasks, keep the samples that finished,
    write the split files, summarise.

    Args:
        convert_one (callable): ``task -> (status, split, name)`` (see
            :func:`summarize`), run in worker processes.
        tasks (Sequence): One task per sample.
        names (dict[str, Sequence[str]]): Sample names per split, in the
            order the split files list them.
        out_dir (str): Output root.
        nproc (int): Worker processes. Default: 1.
        skip_bad (bool): Skip bad inputs (listed) instead of stopping.
            Default: False.
        skipped (Sequence[str]): Messages of inputs the converter already
            left out under ``skip_bad`` (listed first). Default: ().

    Returns:
        dict: The summary (see :func:`summarize`).
    """
    if osp.isdir(out_dir):
        remove_stale_temporaries(out_dir)
    results, bad = run_tasks(convert_one, tasks, nproc, skip_bad)
    done = {(split, name) for _, split, name in results}
    split_names = {
        split: [n for n in split_list if (split, n) in done]
        for split, split_list in names.items()
    }
    write_split_files(out_dir, split_names)
    return summarize(out_dir, split_names, results, list(skipped) + bad)


def converter_arg_parser(description: str, raw_help: str,
                         default_out: str) -> argparse.ArgumentParser:
    """The command-line options every converter shares.

    Args:
        description (str): What the converter does.
        raw_help (str): Help of the positional download folder.
        default_out (str): Default output folder.

    Returns:
        argparse.ArgumentParser: With ``raw_root``, ``-o/--out-dir``,
        ``--nproc`` and ``--skip-bad``.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('raw_root', help=raw_help)
    parser.add_argument(
        '-o', '--out-dir', default=default_out, help='output folder')
    parser.add_argument(
        '--nproc',
        type=int,
        default=min(8,
                    os.cpu_count() or 1),
        help='number of processes')
    parser.add_argument(
        '--skip-bad',
        action='store_true',
        help='skip and list bad input files instead of stopping')
    return parser


def run_converter(convert: Callable, args: argparse.Namespace,
                  **kwargs) -> dict:
    """Run ``convert`` with the shared options; exit with the message of a
    bad input file.

    Args:
        convert (Callable): ``convert(raw_root, out_dir, nproc=..,
            skip_bad=.., **kwargs)``.
        args (argparse.Namespace): Parsed :func:`converter_arg_parser`
            options.
        **kwargs: The converter's own options.

    Returns:
        dict: The converter's summary.
    """
    try:
        return convert(
            args.raw_root,
            args.out_dir,
            nproc=args.nproc,
            skip_bad=args.skip_bad,
            **kwargs)
    except ConversionError as err:
        sys.exit(f'error: {err}')
