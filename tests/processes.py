"""Start real processes (scripts, gunicorn) against the test run's own database and index."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """DATABASE_URL of the test database itself (not the one it was created from)."""
    name = connection.settings_dict["NAME"]  # the test database's, once the runner made it
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    given = urlsplit(os.environ["ARSHIF_TEST_DATABASE_URL"])
    return urlunsplit(given._replace(path=f"/{name}"))


def child_env() -> dict[str, str]:
    """Environment that points a child process at this test's database and data dir."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "arshif.settings",
        "ARCHIVE_DATA_DIR": str(settings.DATA_DIR),
        "DATABASE_URL": database_url(),
        "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production",
        "PYTHONPATH": str(ROOT),
    }


def run_python(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    prelude = "import django; django.setup()\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx itself comes back, as an HTTPError


_NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


def wait_for_http(url: str, timeout: float = 30) -> None:
    """Until the server answers (any status: a site behind HTTPS answers plain http with a
    redirect, which is an answer too)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with _NO_REDIRECTS.open(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


_static_collected: set[str] = set()


def collect_static(env: dict[str, str]) -> None:
    """collectstatic once per test run and data dir: gunicorn serves the manifest-hashed files
    from the data dir's static/."""
    if env["ARCHIVE_DATA_DIR"] not in _static_collected:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        _static_collected.add(env["ARCHIVE_DATA_DIR"])


@contextmanager
def serve_gunicorn(workers: int = 2, env: dict[str, str] | None = None) -> Iterator[str]:
    """A real gunicorn on a free port against this test's database; yields its base URL.
    `env` adds to or overrides child_env() (another data dir, SEARCH_URL, …)."""
    env = {**child_env(), **(env or {})}
    collect_static(env)
    port = free_port()
    # Its log (errors, tracebacks) in its data dir: a pipe nobody reads would fill and block it.
    log = open(Path(env["ARCHIVE_DATA_DIR"]) / f"gunicorn-{port}.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "arshif.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            # A browser may still hold a connection open when a test ends.
            "--graceful-timeout",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    log.close()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
