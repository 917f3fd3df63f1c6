"""The one way into the search index.

Saving or deleting an article writes an IndexTask row in the same transaction (an outbox), so
the queue holds exactly the committed changes. `process_pending` is the single writer: it takes a
lock, reads a batch of tasks, looks each article up and (re)indexes or removes it in one index
commit, then deletes those tasks. Web requests only ever insert rows; they never touch the index
lock. The worker (`manage.py index_worker`), `import_articles` and `make run` all drain the queue
through this function.
"""

from __future__ import annotations

import fcntl
import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection as db_connection
from django.db import connections as db_connections
from django.db.models import signals
from django.utils import timezone
from haystack import connections
from haystack.signals import BaseSignalProcessor
from haystack.utils import get_identifier

from archive import rows
from search.models import IndexTask

log = logging.getLogger(__name__)

BATCH_SIZE = 2000


def _article_model():
    from archive.models import Article

    return Article


class QueueSignalProcessor(BaseSignalProcessor):
    """Haystack signal processor that queues instead of writing to the index."""

    def setup(self):
        article = _article_model()
        signals.post_save.connect(self.enqueue, sender=article)
        signals.post_delete.connect(self.enqueue, sender=article)
        signals.m2m_changed.connect(self.enqueue_m2m, sender=article.tags.through)

    def teardown(self):
        article = _article_model()
        signals.post_save.disconnect(self.enqueue, sender=article)
        signals.post_delete.disconnect(self.enqueue, sender=article)
        signals.m2m_changed.disconnect(self.enqueue_m2m, sender=article.tags.through)

    def enqueue(self, sender, instance, **kwargs):
        enqueue([instance.pk])

    def enqueue_m2m(self, sender, instance, action, reverse, pk_set, **kwargs):
        if not action.startswith("post_"):
            return
        # From the tag side (tag.articles.add(...)) the articles are in pk_set.
        enqueue(sorted(pk_set or []) if reverse else [instance.pk])


def enqueue(article_ids) -> None:
    # Once per saved article: plain SQL (archive.rows) rather than bulk_create's compiling.
    now = timezone.now()
    rows.insert_rows(IndexTask, ("article_id", "created"), [(pk, now) for pk in article_ids])


def pending_count() -> int:
    return IndexTask.objects.count()


@contextmanager
def writer_lock(blocking: bool = True) -> Iterator[bool]:
    """One queue drainer at a time on this machine (an advisory lock file in the data dir).

    Two drainers could otherwise apply an older state of an article after a newer one.
    """
    path = settings.DATA_DIR / "index-writer.lock"
    with open(path, "a") as handle:
        flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
        try:
            fcntl.flock(handle, flags)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def process_pending(batch_size: int = BATCH_SIZE, *, blocking: bool = True) -> int:
    """Apply every queued change to the index; return how many articles were applied.

    With blocking=False, return 0 at once when another process is already draining.
    """
    applied = 0
    with writer_lock(blocking) as locked:
        if not locked:
            return 0
        while True:
            batch = list(
                IndexTask.objects.order_by("id").values_list("id", "article_id")[:batch_size]
            )
            if not batch:
                break
            applied += apply_batch({article_id for _, article_id in batch})
            # Delete exactly the rows read: a task committed meanwhile (possibly with a lower id,
            # on databases that commit out of id order) stays for the next round.
            IndexTask.objects.filter(id__in=[task_id for task_id, _ in batch]).delete()
    return applied


# A drain alongside an import waits for this many queued changes before applying them: each
# application is a Whoosh segment, and many small ones cost more to write and to merge.
ALONGSIDE_MIN_BATCH = 500


@dataclass
class AlongsideDrain:
    """What a drain alongside an import did (filled in when the import is over)."""

    ran: bool = False
    applied: int = 0
    failed: bool = False


@contextmanager
def drain_alongside(min_batch: int | None = None) -> Iterator[AlongsideDrain]:
    """While the body (a bulk import) runs, apply its committed index changes in a second
    process, so parsing and indexing overlap on two cores instead of taking turns.

    The second process is a fork of this one that drains through process_pending, so it is
    still the one writer at a time (the writer lock) and it sees exactly the committed changes.
    It does not run on one core, where there is nothing to overlap, off Linux, or inside a
    transaction (nothing in it is committed for the other process to see; closing the
    connection for the fork would end it). The caller still drains at the end: whatever the
    other process left, or all of it if it did not run or failed, is applied then.
    """
    outcome = AlongsideDrain()
    if (
        (os.cpu_count() or 1) < 2
        # Forking is safe on Linux; macOS's system libraries are not fork-safe.
        or not sys.platform.startswith("linux")
        or db_connection.in_atomic_block
    ):
        yield outcome
        return
    # The child must open its own database connections, not share this process's.
    db_connections.close_all()
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    applied = context.Value("q", 0)
    child = context.Process(
        target=_drain_until_stopped,
        args=(stop, applied, ALONGSIDE_MIN_BATCH if min_batch is None else min_batch, os.getpid()),
        name="arshif-index-drain",
        daemon=True,
    )
    child.start()
    outcome.ran = True
    try:
        yield outcome
    finally:
        stop.set()
        child.join()
        outcome.applied = applied.value
        outcome.failed = child.exitcode != 0
        if outcome.failed:
            log.error("the index drain alongside the import failed (exit %s)", child.exitcode)


def _drain_until_stopped(stop, applied, min_batch: int, parent: int) -> None:
    """The forked drainer: apply queued changes in large batches until told to stop, then all.

    It also stops when the importing process is gone (killed before it could say so), so it
    never outlives the import.
    """
    # Fresh index handles too: file positions are shared with the parent after a fork.
    connections["default"].reset_sessions()
    try:
        while True:
            stopping = stop.is_set() or os.getppid() != parent
            if stopping or pending_count() >= min_batch:
                done = process_pending()
                with applied.get_lock():
                    applied.value += done
            if stopping:
                break
            stop.wait(0.25)
    finally:
        db_connections.close_all()


def apply_batch(article_ids: set[int]) -> int:
    """Bring the index in line with the database for these articles, in one index commit."""
    connection = connections["default"]
    index = connection.get_unified_index().get_index(_article_model())
    backend = connection.get_backend()
    # Read without a transaction: on SQLite every transaction here is IMMEDIATE (it takes the
    # write lock), so one would queue behind an import's writes and they behind it, for rows
    # that are only read. A change committed between these reads has a task of its own, left
    # in the queue (only the tasks read are deleted), so the next round re-reads that article.
    if hasattr(index, "objects_to_index"):
        present = index.objects_to_index(article_ids)
    else:
        present = list(index.index_queryset().filter(pk__in=article_ids))
    gone = [
        get_identifier(f"archive.article.{pk}")
        for pk in article_ids - {article.pk for article in present}
    ]
    if hasattr(backend, "apply"):
        backend.apply(index, present, gone)
    else:  # any other haystack backend: the generic calls
        if present:
            backend.update(index, present)
        for identifier in gone:
            backend.remove(identifier)
    return len(article_ids)


def rebuild_queue() -> int:
    """Queue every article (used to bring a new or wiped index up to date)."""
    ids = list(_article_model().objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 5000):
        enqueue(ids[start : start + 5000])
    return len(ids)


def run_worker(
    interval: float = 1.0,
    stop_after: float | None = None,
    jobs: Callable[[], bool] | None = None,
) -> None:
    """Drain the queue forever (or for `stop_after` seconds), polling every `interval` seconds.

    `jobs`, when given, runs one background job per round (archive.jobs.run_next_job: imports)
    and says whether it ran one; the same process thus stays the only index writer.
    """
    started = time.monotonic()
    while stop_after is None or time.monotonic() - started < stop_after:
        try:
            done = process_pending()
        except Exception:  # keep the worker alive; the tasks stay queued for the next round
            log.exception("index worker: applying queued changes failed")
            done = 0
        if done:
            log.info("index worker: applied %d article changes", done)
        ran_job = False
        if jobs is not None:
            try:
                ran_job = jobs()
            except Exception:  # a failed job is recorded by its runner; keep serving
                log.exception("worker: running a background job failed")
        if not done and not ran_job:
            time.sleep(interval)
