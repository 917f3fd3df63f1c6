"""tests/postgres.py: the throw-away PostgreSQL cluster `make test-postgres` runs the suite in."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import postgres
from tests.processes import ROOT


def test_the_newest_installed_server_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv("ARSHIF_POSTGRES_BIN", raising=False)
    for version, has_initdb in [("13", True), ("17", True), ("9.6", True), ("18", False)]:
        (tmp_path / version / "bin").mkdir(parents=True)
        if has_initdb:
            (tmp_path / version / "bin" / "initdb").touch()
    (tmp_path / "common" / "bin").mkdir(parents=True)
    (tmp_path / "common" / "bin" / "initdb").touch()
    assert postgres.find_bindir(tmp_path) == tmp_path / "17" / "bin"
    monkeypatch.setenv("ARSHIF_POSTGRES_BIN", "/opt/pg/bin")
    assert postgres.find_bindir(tmp_path) == Path("/opt/pg/bin")


def _server_installed() -> bool:
    try:
        postgres.find_bindir()
    except postgres.ClusterError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not _server_installed(), reason="no PostgreSQL server installed")
def test_the_cluster_takes_passwords_on_loopback_only_and_is_gone_when_stopped(tmp_path):
    import psycopg

    script = tmp_path / "check.py"
    script.write_text(
        "import os\n"
        "print(os.environ['ARSHIF_TEST_DATABASE_URL'], flush=True)\n"
        "import time; time.sleep(120)\n"
    )
    wrapper = subprocess.Popen(
        [sys.executable, "-m", "tests.postgres", "--", sys.executable, str(script)],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != postgres.URL_VARIABLE},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert wrapper.stdout.readline().startswith("tests.postgres: a throw-away PostgreSQL")
        url = wrapper.stdout.readline().strip()
        parts = urlsplit(url)
        assert parts.hostname == "127.0.0.1"
        with psycopg.connect(url, connect_timeout=10) as connection:
            row = connection.execute(
                "SELECT current_setting('listen_addresses'), rolsuper,"
                " current_setting('data_directory') FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
        assert row[:2] == ("127.0.0.1", True)
        data_dir = Path(row[2])
        wrong = url.replace(f":{parts.password}@", ":not-the-password@")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(wrong, connect_timeout=10).close()
        # CI cancelling the job: the server stops and its directory goes.
        wrapper.send_signal(signal.SIGTERM)
        assert wrapper.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        if wrapper.poll() is None:
            wrapper.kill()
    assert not data_dir.parent.exists()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", parts.port)) != 0
