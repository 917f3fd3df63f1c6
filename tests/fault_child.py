"""Run a manage.py command that stops dead at a chosen point, for a test to kill it there.

    python -m tests.fault_child MARKER TARGET CALL WHEN WHO [ACTION] -- manage.py-arguments...

TARGET is `module:Class.method` (or `module:function`), or several, comma-separated (each
counts its own calls). On its CALL-th call (counted in each of
the processes WHO names: `main`, the command's own process, `forked`, a process it forked, such
as the index drain alongside an import, or `any`), WHEN `before` or `after` the call itself, the
process does ACTION: `pause` (the default) writes its pid to MARKER and sleeps, for the test to
kill it with SIGKILL; `fsize=BYTES` writes MARKER and limits the size of the files it writes
from then on (RLIMIT_FSIZE, SIGXFSZ ignored: a write past it fails with EFBIG, as on a full
disk); `within-fsize=BYTES` limits them only while the target runs, from its CALL-th call on
(WHEN does not matter): the one disk that holds what the target writes is full, another (the
database's) is not. Nothing else changes: the command runs its real code against the real database and
index.
"""

from __future__ import annotations

import functools
import importlib
import os
import resource
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path


def _act(marker: str, action: str) -> None:
    Path(marker).write_text(str(os.getpid()))  # (before any limit applies to it)
    if action.startswith("fsize="):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (int(action.split("=")[1]), hard))
        return
    time.sleep(3600)


@contextmanager
def _limited(marker: str, size: int):
    Path(marker).write_text(str(os.getpid()))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def install(marker: str, target: str, call: int, when: str, who: str, action: str) -> None:
    if "," in target:
        for one in target.split(","):
            install(marker, one, call, when, who, action)
        return
    module_name, _, attribute = target.partition(":")
    owner = importlib.import_module(module_name)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    main = os.getpid()
    calls = 0

    @functools.wraps(original)
    def paused(*args, **kwargs):
        nonlocal calls
        counted = who == "any" or (os.getpid() == main) == (who == "main")
        if counted:
            calls += 1
        if counted and calls >= call and action.startswith("within-fsize="):
            with _limited(marker, int(action.split("=")[1])):
                return original(*args, **kwargs)
        if counted and calls == call and when == "before":
            _act(marker, action)
        result = original(*args, **kwargs)
        if counted and calls == call and when == "after":
            _act(marker, action)
        return result

    setattr(owner, name, paused)


def main(argv: list[str]) -> None:
    separator = argv.index("--")
    marker, target, call, when, who, *action = argv[:separator]
    command = argv[separator + 1 :]
    assert when in ("before", "after") and who in ("main", "forked", "any")
    import django

    django.setup()
    install(marker, target, int(call), when, who, action[0] if action else "pause")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *command])


if __name__ == "__main__":
    main(sys.argv[1:])
