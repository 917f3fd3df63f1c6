"""The one index writer: queued changes applied in batches, one engine commit each.

`process_pending` takes the writer lock, reads a batch of tasks, turns each article into its
document (documents.py) or a deletion, applies the batch to the engine in one change, then
deletes exactly the tasks it read. The worker (worker.py), `import_articles`, `sync_index` and
`make run` all drain the queue through it.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.db import connection

from archive import collection
from search.engine import get_engine
from search.indexing.documents import documents_for
from search.models import IndexTask

BATCH_SIZE = 2000


# The key of the writer's advisory lock on PostgreSQL (any number no other lock uses).
WRITER_LOCK_KEY = 0x41525348  # "ARSH"


@contextmanager
def writer_lock(blocking: bool = True) -> Iterator[bool]:
    """One queue drainer at a time; yields whether this process has the lock.

    Two drainers could otherwise apply an older state of an article after a newer one. On
    PostgreSQL the lock is the database's (an advisory lock), so it holds across every machine
    that shares the database; on SQLite, which lives on one machine, it is a lock file in the
    data dir.
    """
    if connection.vendor == "postgresql":
        with _advisory_lock(blocking) as locked:
            yield locked
        return
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


@contextmanager
def _advisory_lock(blocking: bool) -> Iterator[bool]:
    # A session lock: it outlives the transactions the writer commits while it holds it, and
    # goes with the connection if the process dies. PostgreSQL would grant it again to the
    # session holding it; a lock file would not, and neither does this.
    if getattr(connection, "arshif_writer_lock_held", False):
        if blocking:
            raise RuntimeError("this connection already holds the index writer lock")
        yield False
        return
    with connection.cursor() as cursor:
        if blocking:
            cursor.execute("SELECT pg_advisory_lock(%s)", [WRITER_LOCK_KEY])
            locked = True
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [WRITER_LOCK_KEY])
            locked = cursor.fetchone()[0]
    if not locked:
        yield False
        return
    connection.arshif_writer_lock_held = True
    try:
        yield True
    finally:
        connection.arshif_writer_lock_held = False
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [WRITER_LOCK_KEY])


def process_pending(
    batch_size: int = BATCH_SIZE,
    *,
    blocking: bool = True,
    claim: Callable[[Callable[[], list]], list] | None = None,
    merge: bool = True,
) -> int:
    """Apply every queued change to the index; return how many articles were applied.

    With blocking=False, return 0 at once when another process is already draining.
    `claim`, when given, reads each batch: it calls its argument (which reads the next batch of
    (task id, article id)) and returns what to apply, [] to stop (see drain_alongside).
    With merge=False, index segments are left unmerged for merge_when_idle() (an import).
    """
    applied = 0
    with writer_lock(blocking) as locked, ExitStack() as pacing:
        if not locked:
            return 0
        while True:

            def read_batch() -> list:
                tasks = IndexTask.objects.order_by("id").values_list("id", "article_id")
                return list(tasks[:batch_size])

            batch = read_batch() if claim is None else claim(read_batch)
            if not batch:
                break
            if len(batch) >= collection.COLLECT_EVERY and not applied:
                # Bulk work (an import's changes): one small change is not worth a collection.
                pacing.enter_context(collection.paced())
            applied += apply_batch({article_id for _, article_id in batch}, merge=merge)
            collection.tick(len(batch))
            # Delete exactly the rows read: a task committed meanwhile (possibly with a lower id,
            # on databases that commit out of id order) stays for the next round.
            IndexTask.objects.filter(id__in=[task_id for task_id, _ in batch]).delete()
    return applied


def apply_batch(article_ids: set[int], *, merge: bool = True) -> int:
    """Bring the index in line with the database for these articles, in one engine change
    (merge=False: leave merging segments to merge_when_idle())."""
    documents, gone = documents_for(article_ids)
    get_engine().apply(documents, gone, merge=merge)
    return len(article_ids)
