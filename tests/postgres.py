"""A throw-away PostgreSQL cluster for the test suite: `make test-postgres` runs pytest inside one.

    python -m tests.postgres -- COMMAND [ARG...]

runs COMMAND with ARSHIF_TEST_DATABASE_URL pointing at a PostgreSQL server, and exits with its
status. If ARSHIF_TEST_DATABASE_URL is already set, that server is used as it is (its role must
be allowed to create databases: Django's test runner creates and drops `test_<name>`).
Otherwise a new cluster is made with the highest installed PostgreSQL (Debian's
/usr/lib/postgresql/*/bin, or $ARSHIF_POSTGRES_BIN, or initdb on the PATH) in a temporary
directory, listening on 127.0.0.1 only, on a free port, without a Unix socket, with one
superuser `arshif` whose password is random for this run (scram-sha-256, no trust). As root
(CI), the cluster belongs to the `postgres` user Debian's package creates, else `nobody`:
PostgreSQL refuses to run as root. The server is stopped and its directory removed when
COMMAND ends, fails or is interrupted. Durability is switched off: nothing here outlives a run.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

URL_VARIABLE = "ARSHIF_TEST_DATABASE_URL"
SUPERUSER = "arshif"
DATABASE = "arshif"
# Crash safety does not matter for a cluster that lives one test run: no waiting for the disk.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "unix_socket_directories": "",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
}


class ClusterError(RuntimeError):
    pass


def find_bindir(installed: Path = Path("/usr/lib/postgresql")) -> Path:
    """The bin directory of the newest installed PostgreSQL server (the one holding initdb)."""
    given = os.environ.get("ARSHIF_POSTGRES_BIN")
    if given:
        return Path(given)
    candidates = [
        path.parent
        for path in installed.glob("*/bin/initdb")
        if re.fullmatch(r"\d+(\.\d+)?", path.parent.parent.name)
    ]
    if candidates:
        return max(candidates, key=lambda bindir: float(bindir.parent.name))
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    raise ClusterError(
        "no PostgreSQL server found (apt-get install postgresql), or set ARSHIF_POSTGRES_BIN "
        f"to the directory holding initdb and pg_ctl, or {URL_VARIABLE} to a running server"
    )


def _owner() -> pwd.struct_passwd | None:
    """Who runs the server: None for the current user, an unprivileged one when we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise ClusterError("running as root, and neither a `postgres` nor a `nobody` user exists")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """Start a new cluster; yield its database URL; stop and remove it whatever happens."""
    bindir = find_bindir()
    owner = _owner()
    as_owner = {} if owner is None else {"user": owner.pw_uid, "group": owner.pw_gid}
    if owner is not None:
        as_owner["extra_groups"] = []
    root = Path(tempfile.mkdtemp(prefix="arshif-postgres-"))
    data, log = root / "data", root / "server.log"
    password = secrets.token_urlsafe(24)
    env = {**os.environ, "PGPASSWORD": password, "PGCONNECT_TIMEOUT": "10"}

    def run(*command: str | Path) -> None:
        result = subprocess.run(
            [str(part) for part in command],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            **as_owner,
        )
        if result.returncode:
            output = (result.stdout + result.stderr).strip()
            if log.exists():
                output += "\n--- server log ---\n" + log.read_text(errors="replace")
            raise ClusterError(f"{Path(command[0]).name} failed ({result.returncode}):\n{output}")

    try:
        pwfile = root / "password"
        pwfile.write_text(password + "\n")
        if owner is not None:
            for path in (root, pwfile):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        run(
            bindir / "initdb",
            "--pgdata",
            data,
            "--username",
            SUPERUSER,
            "--pwfile",
            pwfile,
            "--auth",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            "--locale",
            "C.UTF-8",
            "--no-sync",
        )
        pwfile.unlink()
        for attempt in range(5):
            port = _free_port()
            options = {**SERVER_SETTINGS, "port": str(port)}
            try:
                run(
                    bindir / "pg_ctl",
                    "start",
                    "--pgdata",
                    data,
                    "--log",
                    log,
                    "--wait",
                    "--timeout",
                    "60",
                    "--silent",
                    "-o",
                    " ".join(f"-c {name}={value!r}" for name, value in options.items()),
                )
                break
            except ClusterError:
                if attempt == 4:  # another process may have taken the port meanwhile
                    raise
                time.sleep(0.5)
        run(bindir / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER, DATABASE)
        yield f"postgres://{SUPERUSER}:{quote(password, safe='')}@127.0.0.1:{port}/{DATABASE}"
    finally:
        if (data / "postmaster.pid").exists():
            try:
                run(bindir / "pg_ctl", "stop", "--pgdata", data, "--mode", "fast", "--wait")
            except ClusterError as error:
                print(f"tests.postgres: {error}", file=sys.stderr)
                with contextlib.suppress(ClusterError):
                    run(bindir / "pg_ctl", "stop", "--pgdata", data, "--mode", "immediate")
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if os.environ.get(URL_VARIABLE):
        return subprocess.call(argv)

    # A SIGTERM (CI cancelling the job) unwinds through `finally` like Ctrl-C does.
    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        with cluster() as url:
            server = (
                subprocess.run(
                    [find_bindir() / "postgres", "--version"], capture_output=True, text=True
                )
                .stdout.split(")", 1)[-1]
                .strip()
            )
            print(
                f"tests.postgres: a throw-away PostgreSQL {server} cluster at {url.split('@')[1]}",
                flush=True,
            )
            child = subprocess.Popen(argv, env={**os.environ, URL_VARIABLE: url})
            try:
                return child.wait()
            except BaseException:
                # Ctrl-C reached the child too (same process group); give it time to finish.
                child.terminate()
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
                raise
    except ClusterError as error:
        print(f"tests.postgres: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
