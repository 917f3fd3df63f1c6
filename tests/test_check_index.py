"""manage.py check_index and the start-up check, run as real commands against each engine.

Drift is made the way it happens: a queued change lost before the writer saw it (missing,
orphaned), a row changed without a signal (stale), an index from an older analysis, damaged
index files. Each engine runs in a child process (SEARCH_URL), the database being this test's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from archive.models import Article
from search.analysis import ANALYSIS_VERSION
from search.models import IndexTask
from tests.processes import ROOT, child_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ENGINES = ["whoosh", "postgres"]


def manage(engine: str, *args: str) -> subprocess.CompletedProcess:
    env = child_env()
    if engine == "postgres":
        env["SEARCH_URL"] = "postgres:"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(params=ENGINES)
def engine(request):
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL engine needs a PostgreSQL database (make test-postgres)")
    if request.param == "postgres":
        # Its tables are not models: the database flush between tests leaves them as they were.
        from search.engine.postgres.backend import PostgresSearchBackend

        PostgresSearchBackend("default", DATABASE="default").clear()
    return request.param


def summary(result) -> dict[str, str]:
    """check_index's summary lines as {label: value}."""
    lines = [line.split(":", 1) for line in result.stdout.splitlines() if ":" in line]
    return {label.strip(): value.strip() for label, value in lines}


def test_drift_of_every_kind_is_reported_then_repaired(engine, make_article):
    kept = make_article("بيان عن الهدنة في المدينة")
    renamed = make_article("تقرير عن قافلة المساعدات")
    gone = make_article("خبر عن المعبر الحدودي")
    assert manage(engine, "sync_index").returncode == 0
    clean = manage(engine, "check_index")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "the index agrees with the database" in clean.stdout
    assert summary(clean)["documents in index"] == "3"

    lost = make_article("مقال لم يصل إلى الفهرس")
    IndexTask.objects.all().delete()  # its change was lost before the writer saw it
    Article.objects.filter(pk=renamed.pk).update(title="عنوان جديد بلا إشارة")  # no signal
    gone_pk = gone.pk
    gone.delete()
    IndexTask.objects.filter(article_id=gone_pk).delete()  # its deletion never reached the index
    waiting = make_article("مقال ينتظر العامل")  # its change is queued: not drift

    drifted = manage(engine, "check_index")
    assert drifted.returncode == 1
    found = summary(drifted)
    assert found["missing from index"] == f"1  (article ids {lost.pk})"
    assert found["stale in index"] == f"1  (article ids {renamed.pk})"
    assert found["orphaned (no article)"] == f"1  (article ids {gone_pk})"
    assert found["queued changes"].startswith("1 ")
    assert found["analysis version"] == f"{ANALYSIS_VERSION} (current: {ANALYSIS_VERSION})"
    assert "check_index --repair" in drifted.stderr

    repaired = manage(engine, "check_index", "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    # The three that drifted, and the queued one with them.
    assert "index repaired: 4 articles re-indexed" in repaired.stdout, repaired.stdout
    assert repaired.stdout.rstrip().endswith("the index agrees with the database")
    final = manage(engine, "check_index")
    assert final.returncode == 0
    assert summary(final)["documents in index"] == "4"
    assert {kept.pk, renamed.pk, lost.pk, waiting.pk} == set(
        Article.objects.values_list("pk", flat=True)
    )


def _make_index_old(engine):
    if engine == "whoosh":
        (Path(settings.DATA_DIR) / "index" / "ANALYSIS_VERSION").write_text("1\n")
    else:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE search_pg_totals SET analysis_version = 1")


def test_an_index_from_an_older_analysis_is_reported_at_start_up_and_rebuilt(engine, make_article):
    make_article("بيان عن الهدنة في المدينة")
    assert manage(engine, "sync_index").returncode == 0
    _make_index_old(engine)

    check = manage(engine, "check")
    assert check.returncode == 0  # a warning, not an error
    assert "arshif.W012" in check.stderr
    assert f"built with version 1 of the text analysis; this is version {ANALYSIS_VERSION}" in (
        check.stderr
    )
    assert "manage.py check_index --repair" in check.stderr

    old = manage(engine, "check_index")
    assert old.returncode == 1
    assert "old: the index must be rebuilt" in old.stdout
    rebuilt = manage(engine, "check_index", "--repair")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "index rebuilt: 1 articles re-indexed" in rebuilt.stdout
    after = manage(engine, "check")
    assert (after.returncode, after.stderr) == (0, "")


def test_an_empty_index_beside_articles_is_reported_at_start_up(engine, make_article):
    make_article("بيان عن الهدنة في المدينة")
    IndexTask.objects.all().delete()
    check = manage(engine, "check")
    assert "arshif.W011" in check.stderr
    assert "the search index is missing or empty, but the database holds 1 article:" in (
        check.stderr
    )
    assert manage(engine, "check_index", "--repair").returncode == 0
    assert manage(engine, "check").stderr == ""


def _damage(how: str) -> None:
    folder = Path(settings.DATA_DIR) / "index"
    if how == "folder deleted":
        shutil.rmtree(folder)
        return
    names = sorted(os.listdir(folder))
    if how == "garbage in the table of contents":
        (toc,) = [name for name in names if name.endswith(".toc")]
        (folder / toc).write_bytes(b"\x00garbage" * 40)
    elif how == "segment truncated":
        for name in names:
            if name.endswith(".seg"):
                with open(folder / name, "r+b") as segment:
                    segment.truncate(100)
    elif how == "segment files deleted":
        for name in names:
            if name.endswith(".seg"):
                (folder / name).unlink()


@pytest.mark.parametrize(
    "how",
    [
        "folder deleted",
        "garbage in the table of contents",
        "segment truncated",
        "segment files deleted",
    ],
)
def test_a_damaged_index_folder_is_detected_and_rebuilt_by_one_command(how, client, make_article):
    article = make_article("تقرير عن قافلة المساعدات في حلب")
    assert manage("whoosh", "sync_index").returncode == 0
    _damage(how)
    from search.engine import reset_engine

    reset_engine()  # this process reads the damaged files afresh, as a new web worker would

    check = manage("whoosh", "check")
    assert check.returncode == 0
    if how == "folder deleted":
        assert "the search index is missing or empty, but the database holds 1" in check.stderr
    else:
        assert "cannot be read" in check.stderr
        assert "Traceback" not in check.stderr
    assert "manage.py check_index --repair" in check.stderr

    found = manage("whoosh", "check_index")
    assert found.returncode == 1
    assert "Traceback" not in found.stderr
    if how == "folder deleted":
        assert summary(found)["missing from index"].startswith("1 ")
    else:
        assert "index unreadable:       the search index in" in found.stdout
        assert "cannot be read" in found.stdout

    if how != "folder deleted":
        api = client.get("/api/search", {"q": "حلب"}, HTTP_ACCEPT_LANGUAGE="en")
        assert api.status_code == 503
        assert "try again later" in api.json()["error"]
        page = client.get("/search/", {"q": "حلب"}, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 503
        assert "Search is unavailable for a moment" in page.content.decode()

    fixed = manage("whoosh", "check_index", "--repair")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert fixed.stdout.rstrip().endswith("the index agrees with the database")
    assert manage("whoosh", "check").stderr == ""
    # This process, which met the damaged index, searches the rebuilt one by itself (as a
    # running web process must).
    assert [hit["id"] for hit in client.get("/api/search", {"q": "حلب"}).json()["results"]] == [
        article.pk
    ]
