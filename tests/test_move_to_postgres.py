"""Moving an archive from SQLite to PostgreSQL, exactly as README "Scaling out" says to."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.db import connection

from tests import postgres
from tests.processes import ROOT

# What README's steps are checked by: the same rows, the same bytes, searches that find them.
SUMMARY = """
import hashlib, json
from django.contrib.auth.models import User
from django.test import Client
from archive.models import Article, ImportBatch, Original
from search.models import Entity, Mention
print(json.dumps({
    "articles": sorted(Article.objects.values_list("id", "title")),
    "originals": sorted(
        (o.id, hashlib.sha256(bytes(o.content)).hexdigest()) for o in Original.objects.all()
    ),
    "entities": Entity.objects.count(),
    "mentions": Mention.objects.count(),
    "batches": ImportBatch.objects.count(),
    "editors": list(User.objects.filter(is_superuser=True).values_list("username", flat=True)),
    "found": Client(HTTP_HOST="localhost").get("/api/search", {"q": "بومبيو"}).json()["count"],
}))
"""


def _manage(env: dict[str, str], *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"manage.py {' '.join(arguments)}:\n{done.stderr}"
    return done.stdout


@pytest.fixture
def empty_postgres_database():
    """A new, empty database on the test server (not the test database); dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL server: make test-postgres runs this")
    server = os.environ[postgres.URL_VARIABLE]
    name = f"arshif_moved_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.mark.slow
def test_a_sqlite_archive_moves_to_postgresql_whole(tmp_path, empty_postgres_database):
    base = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "SEARCH_URL", "DJANGO_SECRET_KEY", "DATABASE_REPLICA_URLS")
    }
    base.update(DJANGO_SETTINGS_MODULE="arshif.settings", PYTHONPATH=str(ROOT))
    old = {**base, "ARCHIVE_DATA_DIR": str(tmp_path / "old")}
    _manage(old, "migrate", "-v", "0")
    _manage(old, "load_gazetteer")
    _manage(old, "import_articles", "seeds/", "tests/data/records/")
    _manage(
        {**old, "DJANGO_SUPERUSER_PASSWORD": "a-password"},
        "createsuperuser",
        "--noinput",
        "--username",
        "editor",
        "--email",
        "editor@example.org",
    )
    before = json.loads(_manage(old, "shell", "-v", "0", "-c", SUMMARY).splitlines()[-1])
    assert len(before["articles"]) == 4 and before["found"] == 2

    # README: with the old site stopped, dump everything but what the new database makes itself.
    dump = tmp_path / "archive.jsonl.gz"
    _manage(
        old,
        "dumpdata",
        "--format",
        "jsonl",
        "--natural-foreign",
        "--natural-primary",
        "--exclude",
        "contenttypes",
        "--exclude",
        "auth.permission",
        "--exclude",
        "sessions",
        "--exclude",
        "search.indextask",
        "--exclude",
        "django_tasks_database",
        "--output",
        str(dump),
    )
    # README: the new database, with the old key (sessions and signed links stay valid).
    new = {
        **base,
        "ARCHIVE_DATA_DIR": str(tmp_path / "new"),
        "DATABASE_URL": empty_postgres_database,
        "SEARCH_URL": "postgres:",
        "DJANGO_SECRET_KEY": (tmp_path / "old" / "secret_key").read_text(),
    }
    _manage(new, "migrate", "-v", "0")
    _manage(new, "loaddata", str(dump))
    assert "4 of 4 articles searchable" in _manage(new, "sync_index", "--rebuild")

    after = json.loads(_manage(new, "shell", "-v", "0", "-c", SUMMARY).splitlines()[-1])
    assert after == before
    # The moved archive goes on as usual: nothing imported twice, new ids after the old ones.
    assert (
        _manage(new, "import_articles", "seeds/")
        .strip()
        .endswith("imported 0, updated 0, skipped 1, failed 0")
    )
    added = _manage(
        new,
        "shell",
        "-v",
        "0",
        "-c",
        "from archive.models import Article; a = Article(title='مقال بعد النقل', "
        "blocks=[{'kind': 'paragraph', 'text': 'نص'}]); a.save(); print(a.pk)",
    )
    assert int(added.split()[-1]) > max(pk for pk, _ in before["articles"])
