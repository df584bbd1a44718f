# Copyright (c) segface-mmseg contributors. All rights reserved.
"""tests/helpers/warm_python.py behaves as a new interpreter would."""
import os
import signal
import subprocess
import sys

import pytest

from tests.helpers.utils import REPO_ROOT, run_script, tool


def _python(code):
    return run_script([sys.executable, '-c', code])


def test_exit_codes_output_and_signals_as_a_new_process():
    assert _python('print("out"); import sys; print("err", file=sys.stderr)'
                   ) == (0, 'out\nerr\n')
    assert _python('import sys; sys.exit(3)') == (3, '')
    assert _python('import sys; sys.exit("no such file")') == (
        1, 'no such file\n')
    code, out = _python('raise ValueError("bad input")')
    assert code == 1 and out.splitlines()[-1] == 'ValueError: bad input'
    assert _python('import os, signal; os.kill(os.getpid(), signal.SIGKILL)'
                   ) == (-signal.SIGKILL, '')
    with pytest.raises(subprocess.TimeoutExpired):
        run_script([sys.executable, '-c', 'import time; time.sleep(60)'],
                   timeout=1)


def test_each_script_starts_without_the_plugin_in_its_own_process():
    code = ('import os, sys\n'
            'print("segface_mmseg" in sys.modules, os.getcwd(), os.getpid(),'
            ' os.environ["OMP_NUM_THREADS"])\n'
            'import segface_mmseg')
    first, second = _python(code), _python(code)
    assert first[0] == second[0] == 0
    plugin, cwd, pid, threads = first[1].split()
    assert plugin == 'False' and cwd == REPO_ROOT and threads == '1'
    assert pid != second[1].split()[2] and int(pid) != os.getpid()


def test_scripts_and_modules_see_their_arguments():
    code, out = run_script(
        tool('tools', 'train.py') + ['x.py', '--no-such-flag'])
    assert code == 2
    assert 'train.py: error: unrecognized arguments: --no-such-flag' in out
    code, out = run_script([
        sys.executable, '-m', 'tests.helpers.fault_injection', 'kill', 'x',
        '--'
    ])
    assert code == 1 and out.startswith('Run a script with a fault')
