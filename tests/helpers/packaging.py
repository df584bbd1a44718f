# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Building the package as a user gets it (sdist, then a wheel from it)."""
import os
import os.path as osp
import subprocess
import sys
from typing import Tuple

from tests.helpers.utils import REPO_ROOT


def run(args, cwd, env=None, timeout=600) -> str:
    """Run a command; its output (stdout and stderr), which the assertion
    shows if it fails."""
    proc = subprocess.run(
        args,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout)
    assert proc.returncode == 0, f'{args} failed:\n{proc.stdout[-4000:]}'
    return proc.stdout


def build_sdist_and_wheel(root) -> Tuple[str, str]:
    """Build the sdist (its egg-info outside the checkout), then a wheel
    from it, under ``root``; ``(dist_dir, build_dir)``."""
    dist, build = str(root / 'dist'), str(root / 'build')
    os.makedirs(build)
    run([
        sys.executable, 'setup.py', '-q', 'egg_info', '--egg-base', build,
        'sdist', '-d', dist
    ], REPO_ROOT)
    [sdist] = [f for f in os.listdir(dist) if f.endswith('.tar.gz')]
    run([
        sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps',
        '--no-build-isolation',
        osp.join(dist, sdist), '-w', dist
    ], build)
    return dist, build
