# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Run a script with a fault injected into one of its file writes.

    python -m tests.helpers.fault_injection FAULT NAME [N] -- SCRIPT [ARGS...]

The fault strikes the N-th (default: first) file written whose name
contains NAME, after half of its bytes: ``kill`` sends SIGKILL to the
process (kill -9 mid-write), ``enospc`` raises ``OSError(ENOSPC)`` (a full
disk). It covers every write of :mod:`segface_runtime.atomic_files`
(checkpoints, converted data, demo outputs) and ``onnx.save`` (export).
"""
import builtins
import errno
import io
import os
import runpy
import signal
import sys

FAULTS = ('kill', 'enospc')


class _Fault:

    def __init__(self, kind, name, nth):
        self.kind, self.name, self.left = kind, name, nth

    def matches(self, path) -> bool:
        if self.name not in os.path.basename(str(path)):
            return False
        self.left -= 1
        return self.left == 0

    def strike(self, file, data):
        file.write(data[:len(data) // 2])
        file.flush()
        if self.kind == 'kill':
            os.kill(os.getpid(), signal.SIGKILL)
        raise OSError(errno.ENOSPC, 'No space left on device (injected)')


class _FaultyFile(io.FileIO):
    fault = None

    def write(self, data):
        self.fault.strike(super(), bytes(data))


def install(kind: str, name: str, nth: int = 1) -> None:
    """Inject the fault into this process's writes."""
    import segface_runtime.atomic_files as atomic_files
    fault = _Fault(kind, name, nth)

    def faulty_open(path, mode='r', *args, **kwargs):
        if 'w' in mode and fault.matches(path):
            _FaultyFile.fault = fault
            return _FaultyFile(path, 'wb')
        return builtins.open(path, mode, *args, **kwargs)

    atomic_files.open = faulty_open
    try:
        import onnx
    except ImportError:
        return
    save = onnx.save

    def faulty_save(model, path, *args, **kwargs):
        if fault.matches(path):
            with open(path, 'wb') as f:
                fault.strike(f, model.SerializeToString())
        return save(model, path, *args, **kwargs)

    onnx.save = faulty_save


def main(argv):
    sep = argv.index('--')
    fault, script = argv[:sep], argv[sep + 1:]
    if len(fault) not in (2, 3) or fault[0] not in FAULTS or not script:
        raise SystemExit(__doc__)
    install(fault[0], fault[1], int(fault[2]) if len(fault) == 3 else 1)
    sys.argv = script
    runpy.run_path(script[0], run_name='__main__')


if __name__ == '__main__':
    main(sys.argv[1:])
