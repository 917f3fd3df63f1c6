"""A disk that fills up during an import: a clear message, nothing half-written, and the same
command (or sync_index) finishing the job once there is room again. The same for an admin upload
imported in the background by the worker: the message is the batch's, in the import history.

The full disk is a file size limit (RLIMIT_FSIZE, SIGXFSZ ignored) set inside the importing
process at a chosen moment (tests/fault_child.py): from then on each of its writes fails with
EFBIG, as writes to a full disk fail with ENOSPC. (Mounting a small file system needs root.)
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.db import connection

from archive.models import Article, ImportBatch, Original, UploadChunk
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


def run_limited(
    tmp_path, target, call, who, *command, action="fsize=1"
) -> subprocess.CompletedProcess:
    marker = tmp_path / "limited"
    stop = [str(marker), target, str(call), "before", who, action]
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


# --- an admin upload imported by the worker ---------------------------------------------------

UPLOAD = "/admin/archive/article/upload/"
# Every way the worker writes to the search index (its own round, the drain beside an import,
# the end of an import staged aside, merging).
INDEX_WRITES = ",".join(
    f"search.engine.whoosh.backend:ArabicWhooshBackend.{method}"
    for method in ("apply", "stage", "add_staged", "merge_idle")
)


def upload(admin_client, corpus) -> ImportBatch:  # noqa: F811
    """Upload the corpus's files through the admin, preview and confirm; returns the batch."""
    files = [path.open("rb") for path in sorted(corpus.iterdir())]
    try:
        sent = admin_client.post(
            UPLOAD, {"files": files, "source": "", "section": "", "language": ""}
        )
    finally:
        for file in files:
            file.close()
    assert sent.status_code == 302
    confirmed = admin_client.post(sent["Location"], {"confirm": "1"})
    assert confirmed.status_code == 302
    return ImportBatch.objects.get(origin="upload", pk=int(sent["Location"].split("/")[-2]))


def run_worker_limited(tmp_path, target, call, who, action) -> subprocess.CompletedProcess:
    """The worker for a few seconds, its writes limited as `action` says from the call on."""
    connection.close()  # (SQLite) the worker writes the database this test reads
    worker = ("worker", "--interval", "0.2", "--stop-after", "12")
    done = run_limited(tmp_path, target, call, who, *worker, action=action)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_a_full_database_stops_a_background_upload_with_the_message(
    tmp_path,
    corpus,  # noqa: F811
    admin_client,
    client,
    settings,
):
    if connection.vendor != "sqlite":
        pytest.skip("a PostgreSQL server writes its own files, out of the importer's limit")
    settings.ARCHIVE_INLINE_IMPORT_BYTES = 0  # the worker imports it
    batch = upload(admin_client, corpus)
    assert batch.status == "queued"
    # The third batch of 50 articles (the second file's first) finds no room to commit; there
    # is room again once it has failed (what a big transaction needs, a status line does not).
    run_worker_limited(
        tmp_path, "archive.ingest.store:ArticleStore._store_batch", 3, "main", "within-fsize=1"
    )
    batch.refresh_from_db()
    assert batch.status == "failed"
    assert "Traceback" not in batch.error
    assert batch.error.startswith("the import stopped: the database could not be written (")
    assert "the disk is full or a file size limit was reached" in batch.error
    assert "upload the same files again: what is already stored is skipped" in batch.error
    page = admin_client.get(f"/admin/archive/importbatch/{batch.pk}/change/").content.decode()
    assert "the import stopped: the database could not be written" in page
    assert 'http-equiv="refresh"' not in page
    # The first file whole, each article with its original; nothing of the second; the upload
    # gone; and what is stored indexed by the worker.
    assert (batch.imported, batch.processed_files) == (100, 1)
    assert Article.objects.count() == 100
    assert not Article.objects.filter(original__isnull=True).exists()
    assert not UploadChunk.objects.exists()
    check = manage("check_index")
    assert check.returncode == 0, check.stdout + check.stderr

    settings.ARCHIVE_INLINE_IMPORT_BYTES = 10**9  # again, imported in the request this time
    again = upload(admin_client, corpus)
    again.refresh_from_db()
    assert (
        again.status == "done" and again.summary == "imported 100, updated 0, skipped 100, failed 0"
    )
    synced = manage("sync_index")
    assert synced.returncode == 0, synced.stderr
    assert_converged(client, IMPORTED)


def test_a_background_upload_the_full_disk_keeps_from_failing_goes_on_at_the_next_start(
    tmp_path,
    corpus,  # noqa: F811
    admin_client,
    client,
    settings,
):
    if connection.vendor != "sqlite":
        pytest.skip("a PostgreSQL server writes its own files, out of the importer's limit")
    settings.ARCHIVE_INLINE_IMPORT_BYTES = 0
    batch = upload(admin_client, corpus)
    # From the 130th article on nothing can be written, not even that the import stopped.
    done = run_worker_limited(
        tmp_path, "archive.ingest.store:ArticleStore.store", 130, "main", "fsize=1"
    )
    assert "the import stopped: the database could not be written" in done.stderr
    batch.refresh_from_db()
    assert (batch.status, batch.processed_files, batch.error) == ("running", 1, "")
    assert Article.objects.count() == 100
    assert UploadChunk.objects.filter(batch=batch, file=2).exists()  # kept for the next start

    worker = manage("worker", "--interval", "0.2", "--stop-after", "8")
    assert worker.returncode == 0, worker.stderr[-3000:]
    assert "1 interrupted import(s) queued again" in worker.stdout
    batch.refresh_from_db()
    assert (batch.status, batch.error) == ("done", "")
    assert batch.summary == f"imported {IMPORTED}, updated 0, skipped 0, failed 0"
    assert not UploadChunk.objects.exists()
    assert_converged(client, IMPORTED)


def test_a_full_index_disk_is_said_on_the_background_upload(
    tmp_path,
    corpus,  # noqa: F811
    admin_client,
    client,
    settings,
):
    settings.ARCHIVE_INLINE_IMPORT_BYTES = 0
    batch = upload(admin_client, corpus)
    # The index's disk is full; the database's is not.
    run_worker_limited(tmp_path, INDEX_WRITES, 1, "any", "within-fsize=1")
    batch.refresh_from_db()
    assert batch.status == "done"
    assert "Traceback" not in batch.error
    assert batch.error.startswith(
        f"imported {IMPORTED}, updated 0, skipped 0, failed 0; but the search index could not "
        "be written (File too large). The articles are stored and queued for the index: free "
        "some space, and the worker makes them searchable"
    ), batch.error
    page = admin_client.get(f"/admin/archive/importbatch/{batch.pk}/change/").content.decode()
    assert "but the search index could not be written (File too large)" in page
    assert Article.objects.count() == IMPORTED and not UploadChunk.objects.exists()
    # What the index could not take is still queued; what it holds is whole and readable.
    assert IndexTask.objects.exists()
    check = manage("check_index")
    assert check.returncode == 0, check.stdout + check.stderr

    # Room again: the worker catches up on its own.
    worker = manage("worker", "--interval", "0.2", "--stop-after", "8")
    assert worker.returncode == 0, worker.stderr[-3000:]
    assert_converged(client, IMPORTED)
    assert stray_index_files() == set()
