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

`standby(url)` makes a streaming read replica of such a server (tests/test_replicas.py).
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
from urllib.parse import quote, unquote, urlsplit, urlunsplit

URL_VARIABLE = "ARSHIF_TEST_DATABASE_URL"
# Set (to 1) beside URL_VARIABLE when the server is a cluster() of this run: tests may then do
# what only its superuser may (standby() copies it); on a server given from outside they skip.
OWN_VARIABLE = "ARSHIF_TEST_DATABASE_OWN"
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
    # standby() copies the cluster and streams its WAL (both PostgreSQL's defaults, said here).
    "wal_level": "replica",
    "max_wal_senders": "10",
    "hot_standby": "on",
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


class _Commands:
    """Runs the server's programs in `root`, as the user owning the cluster (see _owner)."""

    def __init__(self, root: Path, password: str):
        self.root, self.log = root, root / "server.log"
        self.owner = _owner()
        self.as_owner = {} if self.owner is None else {"user": self.owner.pw_uid}
        if self.owner is not None:
            self.as_owner.update(group=self.owner.pw_gid, extra_groups=[])
            os.chown(root, self.owner.pw_uid, self.owner.pw_gid)
        self.env = {**os.environ, "PGPASSWORD": password, "PGCONNECT_TIMEOUT": "10"}

    def run(self, *command: str | Path) -> None:
        result = subprocess.run(
            [str(part) for part in command],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            **self.as_owner,
        )
        if result.returncode:
            output = (result.stdout + result.stderr).strip()
            if self.log.exists():
                output += "\n--- server log ---\n" + self.log.read_text(errors="replace")
            raise ClusterError(f"{Path(command[0]).name} failed ({result.returncode}):\n{output}")

    def start(self, bindir: Path, data: Path) -> int:
        """Start the server of `data` on a free port of 127.0.0.1; return the port."""
        for attempt in range(5):
            port = _free_port()
            options = {**SERVER_SETTINGS, "port": str(port)}
            try:
                self.run(
                    bindir / "pg_ctl",
                    "start",
                    "--pgdata",
                    data,
                    "--log",
                    self.log,
                    "--wait",
                    "--timeout",
                    "60",
                    "--silent",
                    "-o",
                    " ".join(f"-c {name}={value!r}" for name, value in options.items()),
                )
                return port
            except ClusterError:
                if attempt == 4:  # another process may have taken the port meanwhile
                    raise
                time.sleep(0.5)
        raise AssertionError("unreachable")

    def stop(self, bindir: Path, data: Path) -> None:
        if (data / "postmaster.pid").exists():
            try:
                self.run(bindir / "pg_ctl", "stop", "--pgdata", data, "--mode", "fast", "--wait")
            except ClusterError as error:
                print(f"tests.postgres: {error}", file=sys.stderr)
                with contextlib.suppress(ClusterError):
                    self.run(bindir / "pg_ctl", "stop", "--pgdata", data, "--mode", "immediate")


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """Start a new cluster; yield its database URL; stop and remove it whatever happens."""
    bindir = find_bindir()
    root = Path(tempfile.mkdtemp(prefix="arshif-postgres-"))
    data = root / "data"
    password = secrets.token_urlsafe(24)
    commands = None
    try:
        commands = _Commands(root, password)
        pwfile = root / "password"
        pwfile.write_text(password + "\n")
        if commands.owner is not None:
            os.chown(pwfile, commands.owner.pw_uid, commands.owner.pw_gid)
        commands.run(
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
        # initdb's pg_hba.conf already lets the superuser replicate from 127.0.0.1 with its
        # password; said again here so that standby() does not depend on that default.
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host replication {SUPERUSER} 127.0.0.1/32 scram-sha-256\n")
        port = commands.start(bindir, data)
        commands.run(
            bindir / "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER, DATABASE
        )
        yield f"postgres://{SUPERUSER}:{quote(password, safe='')}@127.0.0.1:{port}/{DATABASE}"
    finally:
        if commands is not None:
            commands.stop(bindir, data)
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def standby(primary_url: str) -> Iterator[str]:
    """A streaming replica of the server at `primary_url` (whose role may replicate: the
    cluster() superuser can), on 127.0.0.1 on a free port: copied with `pg_basebackup -R`,
    started read-only (hot standby), following the primary's WAL as it comes. Yields the same
    URL with the standby's port; stops and removes it whatever happens."""
    primary = urlsplit(primary_url)
    bindir = find_bindir()
    root = Path(tempfile.mkdtemp(prefix="arshif-standby-"))
    data = root / "data"
    password = unquote(primary.password or "")
    commands = None
    try:
        commands = _Commands(root, password)
        commands.run(
            bindir / "pg_basebackup",
            "--pgdata",
            data,
            "--host",
            primary.hostname,
            "--port",
            str(primary.port or 5432),
            "--username",
            unquote(primary.username or ""),
            "--wal-method",
            "stream",
            # standby.signal and primary_conninfo (with the password) in postgresql.auto.conf
            "--write-recovery-conf",
            "--checkpoint",
            "fast",
            "--no-sync",
        )
        port = commands.start(bindir, data)
        yield urlunsplit(primary._replace(netloc=primary.netloc.rsplit(":", 1)[0] + f":{port}"))
    finally:
        if commands is not None:
            commands.stop(bindir, data)
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
            child = subprocess.Popen(argv, env={**os.environ, URL_VARIABLE: url, OWN_VARIABLE: "1"})
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
