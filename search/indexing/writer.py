"""The one index writer: queued changes applied in batches, one engine commit each.

`process_pending` takes the writer lock, reads a batch of tasks, turns each article into its
document (documents.py) or a deletion, applies the batch to the engine in one change, then
deletes exactly the tasks it read. The worker (worker.py), `import_articles`, `sync_index` and
`make run` all drain the queue through it.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings

from search.engine import get_engine
from search.indexing.documents import documents_for
from search.models import IndexTask

BATCH_SIZE = 2000


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
    with writer_lock(blocking) as locked:
        if not locked:
            return 0
        while True:

            def read_batch() -> list:
                tasks = IndexTask.objects.order_by("id").values_list("id", "article_id")
                return list(tasks[:batch_size])

            batch = read_batch() if claim is None else claim(read_batch)
            if not batch:
                break
            applied += apply_batch({article_id for _, article_id in batch}, merge=merge)
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
