"""manage.py backup and restore, with real processes: a backup taken while the worker runs and
an import writes, restored into a new data dir (SQLite) or a new database (PostgreSQL, when the
test database is one), must hold the same articles and originals, byte for byte, and find them.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from search.bench.generator import write_jsonl_parts
from tests.processes import ROOT, child_env, database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# What a data dir holds, as JSON: each article with its original's bytes hashed, and which
# articles a search for their title does not find.
SNAPSHOT = """
import hashlib, json
from archive.models import Article
from search.analysis.query import parse_query
from search.engine import get_engine
from search.engine.contract import SearchRequest

rows, unfound = [], []
for article in Article.objects.select_related("original", "source").order_by("pk"):
    original = article.original
    rows.append([
        article.pk, article.url, article.title, article.searchable_text(),
        str(article.published), article.source.name if article.source else None,
        sorted(tag.name for tag in article.tags.all()),
        original.sha256 if original else None,
        hashlib.sha256(bytes(original.content)).hexdigest() if original else None,
    ])
    hits = get_engine().search(SearchRequest(parse_query(f'"{article.title}"'), limit=None))
    if article.pk not in hits.ids:
        unfound.append(article.pk)
print(json.dumps({"rows": rows, "unfound": unfound}))
"""


def run(env: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def snapshot(env: dict) -> dict:
    done = run(env, "-c", "import django; django.setup()\n" + SNAPSHOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def fresh(tmp_path, request):
    """Make the environment of a new, empty archive: its own data dir and a new database."""
    made = []

    def make(name: str, **extra: str) -> dict:
        env = {**child_env(), "ARCHIVE_DATA_DIR": str(tmp_path / name), **extra}
        if connection.vendor == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{tmp_path / name / 'arshif.sqlite3'}"
        else:
            database = f"{connection.settings_dict['NAME']}_{name}"
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{database}"')
            made.append(database)
            env["DATABASE_URL"] = urlunsplit(urlsplit(database_url())._replace(path=f"/{database}"))
        return env

    yield make
    with connection.cursor() as cursor:
        for database in made:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_a_backup_taken_while_the_archive_works_restores_whole(tmp_path, fresh):
    env = child_env()
    first, second = tmp_path / "first", tmp_path / "second"
    write_jsonl_parts(first, 40, seed=1, per_file=20)
    write_jsonl_parts(second, 40, seed=2, per_file=20)
    assert run(env, "manage.py", "import_articles", str(first)).returncode == 0

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        importing = subprocess.Popen(
            [sys.executable, "manage.py", "import_articles", str(second)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        during = run(env, "manage.py", "backup", str(tmp_path / "during.backup"))
        assert importing.wait(timeout=300) == 0, importing.stderr.read()
        after = run(env, "manage.py", "backup", str(tmp_path / "after.backup"))
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            # Never left running: it would apply the queued changes of the tests after this one.
            worker.kill()
            worker.wait()
            raise
    assert during.returncode == 0, during.stderr
    assert after.returncode == 0, after.stderr
    assert "the search index is not included" in after.stdout
    source = snapshot(env)
    assert len(source["rows"]) == 80 and source["unfound"] == []

    # The backup taken when everything was in: the same archive, found the same.
    restored_env = fresh(
        "restored", **({"SEARCH_URL": "postgres:"} if connection.vendor == "postgresql" else {})
    )
    restored = run(restored_env, "manage.py", "restore", str(tmp_path / "after.backup"))
    assert restored.returncode == 0, restored.stderr
    # Each JSON Lines record is kept as its own original: one per article.
    assert "restored 80 articles and 80 original files" in restored.stdout
    assert "80 of 80 articles searchable" in restored.stdout
    assert snapshot(restored_env) == source
    check = run(restored_env, "manage.py", "check_index")
    assert check.returncode == 0, check.stdout + check.stderr

    # The one taken mid-import: a consistent state of the archive at some moment, every
    # article whole with its original, each as it is in the archive.
    midway_env = fresh("midway")
    assert run(midway_env, "manage.py", "restore", str(tmp_path / "during.backup")).returncode == 0
    midway = snapshot(midway_env)
    assert 40 <= len(midway["rows"]) <= 80
    assert all(row in source["rows"] for row in midway["rows"])
    assert all(row[-1] == row[-2] for row in midway["rows"]), "an original's bytes changed"
    assert midway["unfound"] == []

    # A database that holds articles is not overwritten unless asked to.
    again = run(midway_env, "manage.py", "restore", str(tmp_path / "after.backup"))
    assert again.returncode == 1
    assert "this database already holds articles" in again.stderr
    assert "--force" in again.stderr
    forced = run(midway_env, "manage.py", "restore", "--force", str(tmp_path / "after.backup"))
    assert forced.returncode == 0, forced.stderr
    assert snapshot(midway_env) == source


def test_backup_refuses_to_overwrite_and_restore_rejects_what_is_not_a_backup(tmp_path, fresh):
    env = child_env()
    existing = tmp_path / "existing.backup"
    existing.write_bytes(b"keep me")
    refused = run(env, "manage.py", "backup", str(existing))
    assert refused.returncode == 1
    assert f"{existing} already exists: give the backup a new name" in refused.stderr
    assert existing.read_bytes() == b"keep me"

    new_env = fresh("new")
    rejected = run(new_env, "manage.py", "restore", str(existing))
    assert rejected.returncode == 1
    assert f"{existing} is not a backup made by `manage.py backup`" in rejected.stderr
    missing = run(new_env, "manage.py", "restore", str(tmp_path / "nowhere.backup"))
    assert missing.returncode == 1
    assert "No such file or directory" in missing.stderr
