"""Run a manage.py command that stops dead at a chosen point, for a test to kill it there.

    python -m tests.fault_child MARKER TARGET CALL WHEN WHO -- manage.py-arguments...

TARGET is `module:Class.method` (or `module:function`). On its CALL-th call (counted in the
processes WHO names: `main`, the command's own process, or `forked`, a process it forked, such
as the index drain alongside an import), WHEN `before` or `after` the call itself, the process
writes its pid to MARKER and sleeps; the test then kills it with SIGKILL. Nothing else changes:
the command runs its real code against the real database and index.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import time
from pathlib import Path


def _pause(marker: str) -> None:
    Path(marker).write_text(str(os.getpid()))
    time.sleep(3600)


def install(marker: str, target: str, call: int, when: str, who: str) -> None:
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
        counted = (os.getpid() == main) == (who == "main")
        if counted:
            calls += 1
        if counted and calls == call and when == "before":
            _pause(marker)
        result = original(*args, **kwargs)
        if counted and calls == call and when == "after":
            _pause(marker)
        return result

    setattr(owner, name, paused)


def main(argv: list[str]) -> None:
    marker, target, call, when, who, separator, *command = argv
    assert separator == "--" and when in ("before", "after") and who in ("main", "forked")
    import django

    django.setup()
    install(marker, target, int(call), when, who)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *command])


if __name__ == "__main__":
    main(sys.argv[1:])
