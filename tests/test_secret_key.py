"""The secret key: given on PostgreSQL (start-up stops without it), else generated into a fresh
data dir: one key, whole, readable by its owner only."""

import multiprocessing
import os
import stat
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from arshif.secret_key import kept_secret_key
from tests.processes import ROOT, free_port


def _read_key(path, results):
    results.put(kept_secret_key(path))


def test_processes_starting_at_once_on_a_fresh_data_dir_share_one_whole_key(tmp_path):
    path = tmp_path / "secret_key"
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    starting = [context.Process(target=_read_key, args=(path, results)) for _ in range(12)]
    for process in starting:
        process.start()
    keys = [results.get(timeout=30) for _ in starting]
    for process in starting:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert len(set(keys)) == 1
    assert len(keys[0]) >= 50
    assert path.read_text(encoding="ascii") == keys[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left


def test_the_kept_key_is_read_again_not_replaced(tmp_path):
    path = tmp_path / "secret_key"
    first = kept_secret_key(path)
    assert kept_secret_key(path) == first


def test_an_empty_key_file_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("")
    with pytest.raises(ImproperlyConfigured, match="is empty: delete it to generate a new key"):
        kept_secret_key(path)


# --- required on PostgreSQL: several machines must share one key --------------------------------

# Settings only: nothing connects to this address (port 9 is discard, closed on loopback).
SOME_POSTGRES = "postgres://archive:password@127.0.0.1:9/archive"


def _start(tmp_path, command, **env) -> subprocess.CompletedProcess:
    """Run `command` (manage.py or gunicorn) from the repository with the project's settings,
    this environment and no DJANGO_SECRET_KEY unless given."""
    environment = {
        **{
            name: value
            for name, value in os.environ.items()
            if name
            not in ("DJANGO_SECRET_KEY", "DATABASE_URL", "SEARCH_URL", "DATABASE_REPLICA_URLS")
        },
        "DJANGO_SETTINGS_MODULE": "arshif.settings",
        "ARCHIVE_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_manage_py_on_postgresql_without_a_secret_key_stops_and_says_what_to_set(tmp_path):
    started = _start(tmp_path, ["manage.py", "check"], DATABASE_URL=SOME_POSTGRES)
    assert started.returncode == 1
    last_line = started.stderr.strip().splitlines()[-1]
    assert last_line.startswith(
        "django.core.exceptions.ImproperlyConfigured: DJANGO_SECRET_KEY must be set when "
        "DATABASE_URL is a PostgreSQL database"
    )
    assert "need the same key" in last_line
    assert not (tmp_path / "data" / "secret_key").exists()  # none generated behind the user's back


def test_gunicorn_on_postgresql_without_a_secret_key_does_not_start(tmp_path):
    started = _start(
        tmp_path,
        ["-m", "gunicorn", "arshif.wsgi", "--bind", f"127.0.0.1:{free_port()}", "--workers", "1"],
        DATABASE_URL=SOME_POSTGRES,
    )
    assert started.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DATABASE_URL is a PostgreSQL database" in (
        started.stderr
    )


def test_on_postgresql_the_given_key_is_the_one_used(tmp_path):
    started = _start(
        tmp_path,
        [
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.SECRET_KEY)",
        ],
        DATABASE_URL=SOME_POSTGRES,
        DJANGO_SECRET_KEY="a-key-every-machine-shares",
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip().splitlines()[-1] == "a-key-every-machine-shares"


def test_on_sqlite_a_key_is_still_generated_into_the_data_dir(tmp_path):
    started = _start(
        tmp_path,
        [
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.SECRET_KEY)",
        ],
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip().splitlines()[-1] == (tmp_path / "data" / "secret_key").read_text()
