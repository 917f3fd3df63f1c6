"""kill -9 at the worst moments: the importer, its index drain, the worker; then a rerun.

Each process runs its real code against this test's database and index; tests/fault_child.py
only stops it dead at a chosen call so that the SIGKILL lands exactly there (mid-batch, inside a
commit, holding a lock, mid-merge). After the rerun of the same command the archive must have
converged: every article once, no queued change left, the index agreeing with the database
(check_index), and searches finding the articles.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from archive.models import Article, Original
from search.bench.generator import write_jsonl_parts
from search.engine import get_engine, reset_engine
from search.indexing.writer import apply_batch, writer_lock
from search.models import IndexTask
from tests.processes import ROOT, child_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

IMPORTED = 200  # articles in the generated corpus: two files of 100


def manage(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_paused(tmp_path: Path, target: str, call: int, when: str, who: str, *command: str):
    """Start a command that stops at the `call`-th call of `target`; return the process and the
    pid of the one that stopped (the command's own, or one it forked) once it has."""
    marker = tmp_path / f"stopped-{time.monotonic_ns()}"
    stop = [str(marker), target, str(call), when, who]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fault_child", *stop, "--", *command],
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 180
    while not (marker.exists() and marker.read_text()):
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"{command[0]} ended before reaching {target}:\n{out}\n{err}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{command[0]} never reached {target}")
        time.sleep(0.05)
    return process, int(marker.read_text())


def children_of(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def wait_until_gone(pids: set[int], timeout: float = 120) -> None:
    """Wait for processes (not ours to reap) to end: gone, or a zombie."""
    deadline = time.monotonic() + timeout
    for pid in pids:
        while True:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except FileNotFoundError:
                break
            if state == "Z":
                break
            assert time.monotonic() < deadline, f"process {pid} outlived the import"
            time.sleep(0.1)


def stray_index_files() -> set[str]:
    """Files in the index folder that its table of contents does not account for."""
    reset_engine()
    engine = get_engine()
    engine.setup()
    live = {
        name for segment in engine.index._segments() for name in segment.list_files(engine.storage)
    }
    folder = Path(settings.DATA_DIR) / "index"
    kept = {"ANALYSIS_VERSION", "MAIN_WRITELOCK"}
    return {p.name for p in folder.iterdir() if not p.name.endswith(".toc")} - live - kept


def segments() -> int:
    """How many segments the index's table of contents lists, read afresh."""
    reset_engine()
    engine = get_engine()
    engine.setup()
    return len(engine.index._segments())


def searchable(client, articles) -> list[int]:
    """Of these articles, those a search for their exact title finds."""
    found = []
    for article in articles:
        hits = client.get("/api/search", {"q": f'"{article.title}"', "per_page": 50}).json()
        if article.pk in [hit["id"] for hit in hits["results"]]:
            found.append(article.pk)
    return found


def assert_converged(client, expected: int, originals: int | None = None) -> None:
    articles = list(Article.objects.order_by("pk"))
    assert len(articles) == expected
    urls = [article.url for article in articles if article.url]
    assert len(set(urls)) == len(urls), "an article was stored twice"
    if originals is not None:  # a JSON Lines record is its article's original: one each, no orphan
        assert Original.objects.count() == originals
    assert IndexTask.objects.count() == 0, "a change was left in the queue"
    check = manage("check_index")
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"documents in index:     {expected}" in check.stdout
    reset_engine()
    sample = articles[:: max(1, len(articles) // 10)]
    assert searchable(client, sample) == [article.pk for article in sample]


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    write_jsonl_parts(folder, IMPORTED, seed=7, per_file=IMPORTED // 2)
    return folder


# --- the importer and its index drain ----------------------------------------------------------


def test_importer_killed_mid_batch_then_rerun(tmp_path, corpus, client):
    # The 130th article: the third batch of 50 is open (uncommitted) when the importer dies.
    importer, pid = start_paused(
        tmp_path,
        "archive.ingest.store:ArticleStore.store",
        130,
        "before",
        "main",
        "import_articles",
        str(corpus),
    )
    drains = children_of(pid)
    os.kill(pid, signal.SIGKILL)
    importer.wait(timeout=30)
    assert importer.returncode == -signal.SIGKILL
    # The drain alongside notices, applies what was committed and ends: it never outlives it.
    wait_until_gone(drains)
    assert Article.objects.count() == 100  # two whole batches; the open one rolled back whole
    assert manage("check_index").returncode == 0  # what was committed is indexed

    rerun = manage("import_articles", str(corpus))
    assert rerun.returncode == 0, rerun.stderr
    assert "imported 100, updated 0, skipped 100, failed 0" in rerun.stdout
    assert_converged(client, IMPORTED, originals=IMPORTED)


@pytest.mark.parametrize(
    ("target", "when"),
    [
        # Inside a commit: its segment written, the table of contents not yet.
        ("whoosh.writing:SegmentWriter._commit_toc", "before"),
        # Holding the lock the importer shares with it (the importer must not wait for ever).
        ("search.indexing.alongside:_claim_batch", "after"),
    ],
    ids=["mid-commit", "holding-the-shared-lock"],
)
def test_index_drain_killed_then_the_import_finishes_and_a_rerun_changes_nothing(
    tmp_path, corpus, client, target, when
):
    importer, pid = start_paused(
        tmp_path, target, 1, when, "forked", "import_articles", str(corpus)
    )
    assert pid != importer.pid
    os.kill(pid, signal.SIGKILL)
    try:
        out, err = importer.communicate(timeout=180)  # the import goes on alone, and ends
    except subprocess.TimeoutExpired:
        importer.kill()
        importer.communicate()
        pytest.fail("the import hung after its index drain was killed")
    assert importer.returncode == 0, err
    assert f"imported {IMPORTED}, updated 0, skipped 0, failed 0" in out
    assert_converged(client, IMPORTED, originals=IMPORTED)
    assert stray_index_files() == set()

    rerun = manage("import_articles", str(corpus))
    assert rerun.returncode == 0, rerun.stderr
    assert f"imported 0, updated 0, skipped {IMPORTED}, failed 0" in rerun.stdout
    assert_converged(client, IMPORTED, originals=IMPORTED)


# --- the worker ----------------------------------------------------------------------------------


def test_worker_killed_mid_batch_then_restarted(tmp_path, client, make_article, indexed):
    articles = [make_article(f"تقرير رقم {n} عن المعبر", f"نص التقرير {n}") for n in range(60)]
    indexed()
    for article in articles:
        article.title = f"{article.title} المحدث"
        article.save()
    assert IndexTask.objects.count() == 60

    worker, pid = start_paused(
        tmp_path,
        "whoosh.writing:SegmentWriter._commit_toc",
        1,
        "before",
        "main",
        "worker",
        "--interval",
        "0.2",
    )
    os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=30)
    # Nothing of the batch counts as applied: its changes are all still queued.
    assert IndexTask.objects.count() == 60
    check = manage("check_index")
    assert check.returncode == 0 and "queued changes:         60" in check.stdout

    rerun = manage("worker", "--interval", "0.2", "--stop-after", "3")
    assert rerun.returncode == 0, rerun.stderr
    assert_converged(client, 60)
    assert client.get("/api/search", {"q": "المحدث"}).json()["count"] == 60
    assert stray_index_files() == set()


@pytest.mark.parametrize(
    ("target", "call"),
    [
        # Reading the third of the segments it merges: the new segment half written.
        ("search.engine.whoosh.segment_writer:BatchSegmentWriter.add_postings_to_pool", 3),
        # The merged segment written, the table of contents not yet.
        ("whoosh.writing:SegmentWriter._commit_toc", 1),
    ],
    ids=["mid-merge", "merge-commit"],
)
def test_worker_killed_mid_merge_then_restarted(tmp_path, client, make_article, target, call):
    articles = [make_article(f"بيان رقم {n} عن الهدنة", f"نص البيان {n}") for n in range(60)]
    # Twelve small segments, left unmerged as an import leaves them: a merge is due.
    with writer_lock():
        for start in range(0, 60, 5):
            apply_batch({article.pk for article in articles[start : start + 5]}, merge=False)
    IndexTask.objects.all().delete()
    assert segments() == 12

    worker, pid = start_paused(tmp_path, target, call, "before", "main", "worker")
    os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert segments() == 12  # the index is as it was
    assert_converged(client, 60)

    rerun = manage("worker", "--interval", "0.2", "--stop-after", "3")
    assert rerun.returncode == 0, rerun.stderr
    assert segments() < 12  # merged this time
    assert_converged(client, 60)
    assert stray_index_files() == set()
