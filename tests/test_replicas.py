"""Read replicas (DATABASE_REPLICA_URLS) against a real streaming replica of the test server.

The replica is made with `pg_basebackup -R` from the throw-away cluster of `make test-postgres`
(tests/postgres.py standby()) and served by a real gunicorn with SEARCH_URL=postgres:. Pausing
the replica's replay makes it lag for as long as a test needs, so what a reader and an editor
see meanwhile is shown without any timing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from io import StringIO
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from archive.models import Article
from tests import postgres
from tests.conftest import SEED
from tests.processes import ROOT, child_env, database_url, free_port, serve_gunicorn
from tests.web_client import Browser, article_form, create_editor

OLD_TITLE = (
    "واشنطن تطمئن الحلفاء إزاء التزاماتها في سوريا والعراق وبومبيو يقرّ بأن داعش ما زال يشكل "
    "تهديداً خطيراً"
)
NEW_TITLE = "عنوان منقح عن مخيم الهول"
EDITOR, PASSWORD = "editor", "a-password-for-the-test"


def _sync_index() -> None:
    """Bring the PostgreSQL engine's rows up to date on the primary, as the worker would."""
    done = subprocess.run(
        [sys.executable, "manage.py", "sync_index"],
        cwd=ROOT,
        env={**child_env(), "SEARCH_URL": "postgres:"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _wait_until_replayed(primary: str, replica: str) -> None:
    """Until the replica has replayed everything the primary wrote so far."""
    with psycopg.connect(primary, autocommit=True) as source:
        (position,) = source.execute("SELECT pg_current_wal_lsn()").fetchone()
    deadline = time.monotonic() + 120
    with psycopg.connect(replica, autocommit=True) as standby:
        while not standby.execute(
            "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position]
        ).fetchone()[0]:
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.1)


def _title(url: str, pk: int) -> str | None:
    with psycopg.connect(url, autocommit=True) as database:
        row = database.execute("SELECT title FROM archive_article WHERE id = %s", [pk]).fetchone()
    return row[0] if row else None


@pytest.fixture
def replicated(transactional_db):
    """The seed article, indexed by the PostgreSQL engine, and an editor, on the primary; a
    streaming replica of it; a gunicorn reading replicas. Yields (base URL, article id, primary
    URL, replica URL)."""
    if connection.vendor != "postgresql":
        pytest.skip("read replicas are PostgreSQL's: make test-postgres runs this")
    call_command("import_articles", str(SEED), stdout=StringIO(), stderr=StringIO())
    article_id = Article.objects.get().pk
    connection.close()
    create_editor(EDITOR, PASSWORD)
    _sync_index()
    primary = database_url()
    try:
        postgres.find_bindir()
    except postgres.ClusterError as error:
        pytest.skip(f"no PostgreSQL programs here to make a replica with: {error}")
    try:
        with postgres.standby(os.environ[postgres.URL_VARIABLE]) as standby_server:
            address = urlsplit(standby_server).netloc
            replica = urlunsplit(urlsplit(primary)._replace(netloc=address))
            _wait_until_replayed(primary, replica)
            with serve_gunicorn(
                env={
                    "SEARCH_URL": "postgres:",
                    "DATABASE_REPLICA_URLS": replica,
                    "DATABASE_REPLICA_STICKY_SECONDS": "15",
                }
            ) as base:
                yield base, article_id, primary, replica
    except postgres.ClusterError as error:
        if os.environ.get(postgres.OWN_VARIABLE):
            raise
        pytest.skip(f"the test server given does not let this role make a replica: {error}")


@pytest.mark.slow
def test_readers_read_the_lagging_replica_and_an_editor_reads_what_they_wrote(replicated):
    base, pk, primary, replica = replicated
    reader, editor = Browser(base), Browser(base)
    editor.sign_in(EDITOR, PASSWORD)
    assert OLD_TITLE in reader.get(f"/articles/{pk}/").text

    with psycopg.connect(replica, autocommit=True) as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            # The editor saves a new title: a write, on the primary (the replica is read-only
            # and paused; a write sent there would fail).
            change = f"/admin/archive/article/{pk}/change/"
            assert editor.get(change).status == 200
            saved = editor.post(change, article_form(NEW_TITLE, "نص منقح عن مخيم الهول"))
            assert saved.status == 302, saved.text[:3000]
            assert any(
                cookie.startswith("arshif_primary=1;") and "Max-Age=15" in cookie
                for cookie in saved.set_cookies
            )
            _sync_index()
            assert _title(primary, pk) == NEW_TITLE
            assert _title(replica, pk) == OLD_TITLE  # the replica lags

            # A reader is served by the replica: the old version, consistent with itself.
            page = reader.get(f"/articles/{pk}/")
            assert page.status == 200
            assert OLD_TITLE in page.text and NEW_TITLE not in page.text
            assert reader.get(f"/api/articles/{pk}").json()["title"] == OLD_TITLE
            assert reader.get("/api/search", {"q": "الهول منقح"}).json()["count"] == 0
            found = reader.get("/api/search", {"q": "بومبيو"}).json()
            assert [hit["title"] for hit in found["results"]] == [OLD_TITLE]

            # The editor, who just wrote, is served by the primary: their change, everywhere.
            page = editor.get(f"/articles/{pk}/")
            assert NEW_TITLE in page.text and OLD_TITLE not in page.text
            found = editor.get("/api/search", {"q": "الهول منقح"}).json()
            assert [hit["title"] for hit in found["results"]] == [NEW_TITLE]
            assert NEW_TITLE in editor.get("/admin/archive/article/").text

            # An article added now is not on the replica: its page still opens (from the
            # primary), where the replica would have said 404.
            added = editor.post(
                "/admin/archive/article/add/",
                {**article_form("مقال جديد عن دير الزور", "نص جديد"), "_continue": "1"},
            )
            assert added.status == 302, added.text[:3000]
            new_pk = int(added.headers["Location"].rstrip("/").split("/")[-2])
            assert _title(replica, new_pk) is None
            page = reader.get(f"/articles/{new_pk}/")
            assert page.status == 200 and "مقال جديد عن دير الزور" in page.text
            assert reader.get(f"/api/articles/{new_pk}").status == 200
            assert reader.get("/articles/999999/").status == 404  # nowhere: still a 404

            # Nothing a reader opens fails while the replica lags.
            for path, params in [
                ("/", None),
                ("/search/", {"q": "بومبيو"}),
                ("/search/", {"q": "بومبيو", "place": "syria"}),
                ("/search/export.csv", {"q": "بومبيو"}),
                ("/search/export.jsonl", None),
                ("/search/feed.atom", {"q": "بومبيو"}),
                ("/sitemap.xml", None),
                ("/sitemap-articles.xml", None),
                ("/entities/place/syria/", None),
                ("/opensearch.xml", None),
            ]:
                assert reader.get(path, params).status == 200, path
            # A client that never wrote got no cookie: it stays on the replicas.
            assert reader.cookie("arshif_primary") is None
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")

    _wait_until_replayed(primary, replica)
    page = reader.get(f"/articles/{pk}/")
    assert NEW_TITLE in page.text and OLD_TITLE not in page.text
    found = reader.get("/api/search", {"q": "الهول منقح"}).json()
    assert [hit["title"] for hit in found["results"]] == [NEW_TITLE]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_replica_that_cannot_be_reached_is_passed_over_for_the_primary():
    if connection.vendor != "postgresql":
        pytest.skip("read replicas are PostgreSQL's: make test-postgres runs this")
    call_command("import_articles", str(SEED), stdout=StringIO(), stderr=StringIO())
    pk = Article.objects.get().pk
    connection.close()
    closed = urlsplit(database_url())._replace(netloc=f"nobody:nothing@127.0.0.1:{free_port()}")
    with serve_gunicorn(env={"DATABASE_REPLICA_URLS": urlunsplit(closed)}) as base:
        reader = Browser(base)
        assert OLD_TITLE in reader.get(f"/articles/{pk}/").text
        assert reader.get("/api/search", {"q": "بومبيو"}).json()["count"] == 1


def _check(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SEARCH_URL")},
        "DJANGO_SETTINGS_MODULE": "arshif.settings",
        "ARCHIVE_DATA_DIR": str(tmp_path),
        "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_replicas_of_a_database_that_is_not_postgresql_stop_start_up(tmp_path):
    checked = _check(tmp_path, DATABASE_REPLICA_URLS="postgres://reader:secret@127.0.0.1:9/archive")
    assert checked.returncode == 1
    assert checked.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: DATABASE_REPLICA_URLS is set but "
        "DATABASE_URL is not a PostgreSQL database: read replicas are PostgreSQL streaming "
        "replicas of a PostgreSQL primary"
    )


def test_a_replica_url_that_is_not_postgresql_is_named_by_position_without_its_password(tmp_path):
    checked = _check(
        tmp_path,
        DATABASE_URL="postgres://archive:secret@127.0.0.1:9/archive",
        DATABASE_REPLICA_URLS="postgres://r:secret@127.0.0.1:9/archive, mysql://r:hidden@db/a",
    )
    assert checked.returncode == 1
    assert checked.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: DATABASE_REPLICA_URLS: entry 2 is not a "
        "postgres://user:password@host:port/name URL (the entries are comma-separated "
        "PostgreSQL URLs)"
    )
    assert "hidden" not in checked.stderr


def test_replica_urls_give_one_database_each_and_migrations_stay_on_the_primary(tmp_path):
    code = (
        "from django.conf import settings; from django.db import router; "
        "print(sorted(settings.DATABASES)); "
        "print([settings.DATABASES[a]['PORT'] for a in sorted(settings.DATABASES)]); "
        "print([router.allow_migrate(a, 'archive') for a in sorted(settings.DATABASES)])"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "arshif.settings",
        "ARCHIVE_DATA_DIR": str(tmp_path),
        "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production",
        "DATABASE_URL": "postgres://archive:secret@127.0.0.1:5432/archive",
        "DATABASE_REPLICA_URLS": "postgres://r:s@127.0.0.1:5433/archive,postgres://r:s@127.0.0.1:5434/archive",
    }
    shown = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-3:] == [
        "['default', 'replica_1', 'replica_2']",
        "[5432, 5433, 5434]",
        "[True, False, False]",
    ]
