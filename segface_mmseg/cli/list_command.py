# Copyright (c) segface-mmseg contributors. All rights reserved.
"""``segface list``: the released models, and which are cached here."""
import argparse

from ..checkpoints import RELEASES
from ..zoo import cache_dir, is_cached

DESCRIPTION = 'List the released models (name, dataset, resolution, paper ' \
    'mean F1, whether the converted weights are cached)'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def release_rows():
    """``(name, dataset, resolution, mF1, cached, config name)`` per
    release, in table order."""
    return [(name, r.dataset, r.resolution,
             '-' if r.mf1 is None else f'{r.mf1:.2f}',
             'yes' if is_cached(name) else 'no', r.model_name)
            for name, r in RELEASES.items()]


def run(args: argparse.Namespace) -> int:
    header = ('name', 'dataset', 'size', 'mF1', 'cached', 'config')
    rows = [header] + [tuple(map(str, row)) for row in release_rows()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print('  '.join(cell.ljust(w)
                        for cell, w in zip(row, widths)).rstrip())
    print(f'\nconverted weights are cached in {cache_dir()}; mF1: the '
          "paper's, background excluded (Helen: none published)")
    return 0
