"""A disk that fills up during an import: a clear message, nothing half-written, and the same
command (or sync_index) finishing the job once there is room again.

The full disk is a file size limit (RLIMIT_FSIZE, SIGXFSZ ignored) set inside the importing
process at a chosen moment (tests/fault_child.py): from then on each of its writes fails with
EFBIG, as writes to a full disk fail with ENOSPC. (Mounting a small file system needs root.)
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.db import connection

from archive.models import Article, Original
from search.models import IndexTask
from tests.processes import ROOT, child_env, run_python
from tests.test_faults import (
    IMPORTED,
    assert_converged,
    corpus,  # noqa: F401  (a fixture)
    manage,
    stray_index_files,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def run_limited(tmp_path, target, call, who, *command) -> subprocess.CompletedProcess:
    marker = tmp_path / "limited"
    stop = [str(marker), target, str(call), "before", who, "fsize=1"]
    done = subprocess.run(
        [sys.executable, "-m", "tests.fault_child", *stop, "--", *command],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert marker.exists(), f"{target} was never called:\n{done.stdout}\n{done.stderr}"
    return done


def test_the_database_filling_up_stops_the_import_with_a_message(tmp_path, corpus, client):  # noqa: F811
    if connection.vendor != "sqlite":
        pytest.skip("a PostgreSQL server writes its own files, out of the importer's limit")
    # From the 130th article on, nothing can be written: the third batch of 50 cannot commit.
    done = run_limited(
        tmp_path,
        "archive.ingest.store:ArticleStore.store",
        130,
        "main",
        "import_articles",
        str(corpus),
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "the import stopped: the database could not be written" in done.stderr
    assert "the disk is full or a file size limit was reached" in done.stderr
    assert "run the same command again" in done.stderr
    # One line, not one per article that could not be stored after it.
    assert "could not be stored" not in done.stderr
    # Two whole batches, each article with its original (a JSON Lines record keeps its own);
    # nothing of the third.
    assert Article.objects.count() == 100
    assert not Article.objects.filter(original__isnull=True).exists()
    assert Original.objects.count() == 100
    check = manage("check_index")
    assert check.returncode == 0, check.stdout

    rerun = manage("import_articles", str(corpus))
    assert rerun.returncode == 0, rerun.stderr
    assert "imported 100, updated 0, skipped 100, failed 0" in rerun.stdout
    assert_converged(client, IMPORTED, originals=IMPORTED)


def test_the_index_filling_up_leaves_the_articles_stored_and_queued(tmp_path, corpus, client):  # noqa: F811
    # Each process (the importer, the drain beside it) can write nothing from its first batch
    # of index changes on: the database has been written by then.
    done = run_limited(
        tmp_path, "search.indexing.writer:apply_batch", 1, "any", "import_articles", str(corpus)
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert f"imported {IMPORTED}, updated 0, skipped 0, failed 0; but the search index could" in (
        done.stderr
    )
    assert "File too large" in done.stderr
    assert "run `manage.py sync_index`" in done.stderr
    assert Article.objects.count() == IMPORTED
    # What the index could not take is still queued; what it holds is whole and readable.
    assert IndexTask.objects.exists()
    check = manage("check_index")
    assert check.returncode == 0, check.stdout + check.stderr

    synced = manage("sync_index")
    assert synced.returncode == 0, synced.stderr
    assert_converged(client, IMPORTED, originals=IMPORTED)
    assert stray_index_files() == set()


def test_an_index_write_failing_for_room_releases_the_index_lock(tmp_path):
    """The worker lives on after a failed write: the lock must not stay with it (its next write
    would wait for it, then fail), even though the writer's files cannot even be closed."""
    script = f"""
import resource, signal
from search.engine.contract import IndexDocument
from search.engine.whoosh.backend import ArabicWhooshBackend

engine = ArabicWhooshBackend("default", PATH={str(tmp_path / "index")!r})
engine.setup()
documents = [IndexDocument(n, "عنوان", "قصف على حلب " * 50, {{}}) for n in range(1, 200)]
engine.apply(documents[:10], [])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (1, resource.RLIM_INFINITY))
try:
    engine.apply(documents, [])
except OSError as error:
    print("write failed:", error.strerror)
resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
lock = engine.storage.lock("MAIN_WRITELOCK")
print("lock free:", lock.acquire(blocking=False))
lock.release()
print("held:", engine.count())
engine.apply(documents, [])
print("held:", engine.count())
"""
    done = run_python(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "write failed: File too large",
        "lock free: True",
        "held: 10",
        "held: 199",
    ]
