# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Scripts run in a fresh process each, without paying the imports again.

A server process imports the third-party stack once (torch, mmengine,
mmcv, mmseg, mmpretrain: most of a script's start-up time) and forks one
child per script. The child is a process of its own (its own
pid, exit code, signals, files), with the script's argv, working directory
and environment; only the modules above are already imported. This package
(``segface_mmseg``) is not, so the plugin's registration still runs in
every script as it does for a user. The server runs no torch op, so the
fork copies no thread pool.

Used by :func:`tests.helpers.utils.run_script` for ``python SCRIPT ...``,
``python -m MODULE ...`` and ``python -c CODE`` in the default script
environment; anything else starts a new interpreter.

    python -m tests.helpers.warm_python    # the server (reads requests)
"""
import atexit
import json
import os
import os.path as osp
import runpy
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback

STACK = ('torch', 'torchvision', 'mmengine.runner', 'mmcv.ops', 'mmseg.apis',
         'mmseg.datasets', 'mmseg.models', 'mmpretrain.models')


# -- the server -----------------------------------------------------------
def _run_child(request: dict) -> None:
    """In the forked child: become ``request['argv']`` and never return."""
    code = 1
    try:
        os.chdir(request['cwd'])
        os.environ.clear()
        os.environ.update(request['env'])
        with open(os.devnull, 'rb') as null:
            os.dup2(null.fileno(), 0)
        with open(request['output'], 'wb') as out:
            os.dup2(out.fileno(), 1)
            os.dup2(out.fileno(), 2)
        code = _run_main(request['argv'][1:])
    except BaseException:  # noqa: B902 (the child must not return)
        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _run_main(args) -> int:
    """Run ``python ARGS`` in this process; its exit code."""
    try:
        if args[0] == '-m':
            sys.argv = args[1:]
            sys.path[0] = os.getcwd()
            runpy.run_module(args[1], run_name='__main__', alter_sys=True)
        elif args[0] == '-c':
            sys.argv = ['-c'] + args[2:]
            sys.path[0] = ''
            exec(
                compile(args[1], '<string>', 'exec'), {'__name__': '__main__'})
        else:
            sys.argv = list(args)
            sys.path[0] = osp.dirname(osp.abspath(args[0]))
            runpy.run_path(args[0], run_name='__main__')
    except SystemExit as exit:
        if exit.code is None or isinstance(exit.code, int):
            return exit.code or 0
        print(exit.code, file=sys.stderr)
        return 1
    return 0


def serve() -> None:
    """Import the stack, then fork a child per request line on stdin and
    write ``{"pid": ..., "status": ...}`` lines as children start and
    end."""
    for name in STACK:
        __import__(name)
    print(json.dumps(dict(ready=True)), flush=True)
    children = set()
    while True:
        readable, _, _ = select.select([sys.stdin], [], [], 0.05)
        if readable:
            line = sys.stdin.readline()
            if not line:
                break
            pid = os.fork()
            if pid == 0:
                _run_child(json.loads(line))
            children.add(pid)
            print(json.dumps(dict(pid=pid)), flush=True)
        for pid in list(children):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                print(
                    json.dumps(
                        dict(
                            pid=pid,
                            status=os.waitstatus_to_exitcode(status))),
                    flush=True)


# -- the client -----------------------------------------------------------
class WarmPython:
    """The server, started on first use; one per test process."""

    _instance = None

    def __init__(self, env: dict) -> None:
        self.env = env
        self.proc = subprocess.Popen(
            [sys.executable, '-m', 'tests.helpers.warm_python'],
            cwd=env['PYTHONPATH'],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0)
        assert self._message(timeout=600) == dict(ready=True)
        atexit.register(self.proc.kill)

    def _message(self, timeout: float):
        """The server's next line, parsed; None after ``timeout`` s."""
        line = b''
        while not line.endswith(b'\n'):
            ready, _, _ = select.select([self.proc.stdout], [], [],
                                        max(timeout, 0))
            if not ready:
                return None
            byte = os.read(self.proc.stdout.fileno(), 1)
            if not byte:
                raise RuntimeError('the warm Python server died')
            line += byte
        return json.loads(line)

    @classmethod
    def get(cls, env: dict) -> 'WarmPython':
        if cls._instance is None or cls._instance.env != env:
            cls._instance = cls(env)
        return cls._instance

    def run(self, argv, cwd, env, timeout):
        """Run ``argv`` (a python command) in a forked child;
        ``(exit code, output)`` as :func:`subprocess.run` gives them."""
        with tempfile.NamedTemporaryFile('rb', suffix='.log') as output:
            request = dict(argv=argv, cwd=cwd, env=env, output=output.name)
            self.proc.stdin.write(json.dumps(request).encode() + b'\n')
            pid = self._message(timeout=60)['pid']
            deadline = time.monotonic() + timeout
            while True:  # (a child killed by an earlier timeout may report)
                message = self._message(deadline - time.monotonic())
                if message is None:
                    os.kill(pid, signal.SIGKILL)
                    raise subprocess.TimeoutExpired(argv, timeout)
                if message['pid'] == pid:
                    return (message['status'],
                            output.read().decode(errors='replace'))


if __name__ == '__main__':
    serve()
