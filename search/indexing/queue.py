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
from dataclasses import dataclass, field

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


# A drain alongside an import waits for this many queued changes before applying them: each
# application is a Whoosh segment, and many small ones cost more to write and to merge.
ALONGSIDE_MIN_BATCH = 500
# ...except the first time: the second core is idle until then, and an import's first batches
# stay small only while the drain keeps up.
ALONGSIDE_FIRST_BATCH = 100
# When the import expects to end within this many seconds (AlongsideDrain.progress), batches
# are at most this large, so the one still being applied when it ends is short. (Not all the
# time: every batch is a segment, each with a commit's fixed cost, and merged later.)
ALONGSIDE_ENDING_SECONDS = 10.0
ALONGSIDE_ENDING_BATCH = 300


@dataclass
class AlongsideDrain:
    """What a drain alongside an import did (filled in when the import is over)."""

    ran: bool = False
    applied: int = 0
    failed: bool = False
    staged: int = 0  # applied by the importing process itself, while the other one finished
    _shared: _Shared | None = field(default=None, repr=False, compare=False)
    _started: float = field(default_factory=time.monotonic, repr=False, compare=False)

    def progress(self, done: float, total: float) -> None:
        """How far the import has got (in any unit, e.g. bytes read): near its expected end,
        the other process applies smaller batches."""
        if self._shared is None or done <= 0 or total <= 0:
            return
        elapsed = time.monotonic() - self._started
        if elapsed * max(total - done, 0) / done < ALONGSIDE_ENDING_SECONDS:
            self._shared.ending.set()


@contextmanager
def drain_alongside(min_batch: int | None = None) -> Iterator[AlongsideDrain]:
    """While the body (a bulk import) runs, apply its committed index changes in a second
    process, so parsing and indexing overlap on two cores instead of taking turns.

    The second process is a fork of this one that drains through process_pending, so it is
    still the one writer at a time (the writer lock) and it sees exactly the committed changes.
    When the body is done, what is still queued is shared out so both cores finish together:
    the second process finishes its batch and applies the oldest part of the queue, and this
    process indexes the newest part at the same time, as a staged segment
    (ArabicWhooshBackend.stage) that it adds once the other is done.

    It does not run on one core, where there is nothing to overlap, off Linux, or inside a
    transaction (nothing in it is committed for the other process to see; closing the
    connection for the fork would end it). The caller still drains at the end: whatever is
    left, or all of it if the second process did not run or failed.
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
    shared = _Shared(context)
    child = context.Process(
        target=_drain_until_stopped,
        args=(shared, ALONGSIDE_MIN_BATCH if min_batch is None else min_batch, os.getpid()),
        name="arshif-index-drain",
        daemon=True,
    )
    child.start()
    outcome.ran = True
    outcome._shared = shared
    finished = False
    try:
        yield outcome
        finished = True
    finally:
        staged = None
        ours: list = []
        with shared.lock:
            if finished:
                try:
                    shared.limit.value, ours = _share_out(shared)
                except Exception:
                    log.exception("sharing out the end of an import failed")
                    finished = False
            # Not finished: the other process drains everything, as it would alone.
            shared.hand_over.value = finished
            shared.stop.set()
        if ours:
            try:
                staged = _stage(ours)
            except Exception:  # the tasks stay queued: the caller's drain applies them
                log.exception("indexing the end of an import beside the other process failed")
        child.join()
        outcome.applied = shared.applied.value
        outcome.failed = child.exitcode != 0
        if outcome.failed:
            log.error("the index drain alongside the import failed (exit %s)", child.exitcode)
        if staged is not None:
            try:
                outcome.staged = _add_staged(*staged)
            except Exception:  # the tasks stay queued: the caller's drain applies them
                log.exception("adding the end of an import to the index failed")
            outcome.applied += outcome.staged


class _Shared:
    """What the importing process and the drain beside it share (the Values under `lock`)."""

    def __init__(self, context):
        self.lock = context.Lock()
        self.stop = context.Event()
        self.ending = context.Event()  # the import expects to end soon: smaller batches
        self.hand_over = context.Value("b", 0, lock=False)  # stopping: leave the rest to us
        self.claimed = context.Value("q", 0, lock=False)  # the last task id it has taken
        self.busy = context.Value("q", 0, lock=False)  # the size of the batch it is applying
        self.busy_since = context.Value("d", 0.0, lock=False)  # when it took it (monotonic)
        self.seconds_per_change = context.Value("d", 0.0, lock=False)  # in its last batch
        self.limit = context.Value("q", 0, lock=False)  # handed over: the last task id it takes
        self.applied = context.Value("q", 0)


def _share_out(shared: _Shared) -> tuple[int, list[tuple[int, int]]]:
    """The last task id the other process is to apply, and the (task id, article id) this one
    takes: the queue after its current batch is split so that both are done at about the same
    time."""
    claimed = shared.claimed.value
    tasks = IndexTask.objects.filter(id__gt=claimed).order_by("id")
    waiting = list(tasks.values_list("id", "article_id")[:BATCH_SIZE])
    still_busy = _left_in_batch(
        shared.busy.value,
        time.monotonic() - shared.busy_since.value,
        shared.seconds_per_change.value,
    )
    ours = min(len(waiting), round((len(waiting) + still_busy) / 2))
    theirs = len(waiting) - ours
    return (waiting[theirs - 1][0] if theirs else claimed), waiting[theirs:]


def _left_in_batch(size: int, elapsed: float, seconds_per_change: float) -> float:
    """How many changes of a batch of `size` taken `elapsed` seconds ago are still to apply,
    at the rate of the batch before (unknown: half of them)."""
    if seconds_per_change <= 0:
        return size / 2
    return max(0.0, size - elapsed / seconds_per_change)


def _drain_until_stopped(shared: _Shared, min_batch: int, parent: int) -> None:
    """The forked drainer: apply queued changes in large batches until told to stop.

    Told to stop with hand_over set, it takes no batch after the one it has; otherwise it
    applies everything left. It also stops when the importing process is gone (killed before
    it could say so), draining everything, so it never outlives the import.
    """
    # Fresh index handles too: file positions are shared with the parent after a fork.
    connections["default"].reset_sessions()

    def claim(read_batch: Callable[[], list]) -> list:
        with shared.lock:
            batch = read_batch()
            if shared.ending.is_set() and not shared.stop.is_set():
                # (Once stopped, its share of the rest is one batch: one commit, not several.)
                batch = batch[:ALONGSIDE_ENDING_BATCH]
            if shared.stop.is_set() and shared.hand_over.value:
                batch = [task for task in batch if task[0] <= shared.limit.value]
            if batch:
                shared.claimed.value = max(shared.claimed.value, batch[-1][0])
            now = time.monotonic()
            if shared.busy.value:  # the batch before is done
                elapsed = now - shared.busy_since.value
                shared.seconds_per_change.value = elapsed / shared.busy.value
            shared.busy.value, shared.busy_since.value = len(batch), now
            return batch

    threshold = min(min_batch, ALONGSIDE_FIRST_BATCH)
    try:
        while True:
            orphaned = os.getppid() != parent
            stopping = shared.stop.is_set() or orphaned
            if stopping or pending_count() >= threshold:
                done = process_pending(claim=None if orphaned else claim, merge=False)
                with shared.applied.get_lock():
                    shared.applied.value += done
                if done:
                    threshold = min_batch
            if stopping:
                break
            shared.stop.wait(0.25)
    finally:
        db_connections.close_all()


def _stage(batch: list[tuple[int, int]]) -> tuple | None:
    """Index these (task id, article id) into a staged segment (without the index lock)."""
    connection = connections["default"]
    backend = connection.get_backend()
    if not hasattr(backend, "stage"):
        return None
    article_ids = {article_id for _, article_id in batch}
    index = connection.get_unified_index().get_index(_article_model())
    present, gone = _read_articles(index, article_ids)
    return [task_id for task_id, _ in batch], len(article_ids), backend.stage(index, present), gone


def _add_staged(task_ids: list[int], count: int, staged, gone: list[str]) -> int:
    """Add a staged segment under the writer lock, then delete the tasks it applied."""
    with writer_lock():
        connections["default"].get_backend().add_staged(staged, gone)
        IndexTask.objects.filter(id__in=task_ids).delete()
    return count


def _read_articles(index, article_ids: set[int]) -> tuple[list, list[str]]:
    """The articles to index, and the index identifiers of those no longer in the database.

    Read without a transaction: on SQLite every transaction here is IMMEDIATE (it takes the
    write lock), so one would queue behind an import's writes and they behind it, for rows
    that are only read. A change committed between these reads has a task of its own, left
    in the queue (only the tasks read are deleted), so the next round re-reads that article.
    """
    if hasattr(index, "objects_to_index"):
        present = index.objects_to_index(article_ids)
    else:
        present = list(index.index_queryset().filter(pk__in=article_ids))
    gone = [
        get_identifier(f"archive.article.{pk}")
        for pk in article_ids - {article.pk for article in present}
    ]
    return present, gone


def apply_batch(article_ids: set[int], *, merge: bool = True) -> int:
    """Bring the index in line with the database for these articles, in one index commit
    (merge=False: leave merging segments to merge_when_idle())."""
    connection = connections["default"]
    index = connection.get_unified_index().get_index(_article_model())
    backend = connection.get_backend()
    present, gone = _read_articles(index, article_ids)
    if hasattr(backend, "apply"):
        backend.apply(index, present, gone, merge=merge)
    else:  # any other haystack backend: the generic calls
        if present:
            backend.update(index, present)
        for identifier in gone:
            backend.remove(identifier)
    return len(article_ids)


# An idle merge gives way to changes queued while it runs (they are applied first; the merge
# starts again later), at most this many times in a row: then it runs to its end, so a steady
# trickle of edits cannot keep it from ever finishing.
MERGE_GIVES_WAY_AT_MOST = 3
_merges_given_way = 0  # in a row, in this process (the worker)


def merge_when_idle() -> bool:
    """Merge index segments if a merge is due and nothing else is to be written: the queue is
    empty and no other process holds the writer lock. Say whether it merged.

    Imports leave their segments unmerged (merge=False) so that no batch waits for a merge;
    the worker merges them here, one merge a round, between rounds of queued changes. A change
    saved meanwhile does not wait for the merge (up to half a minute): the merge gives way.
    """
    global _merges_given_way
    backend = connections["default"].get_backend()
    if not hasattr(backend, "merge_idle"):
        return False
    with writer_lock(blocking=False) as locked:
        if not locked or IndexTask.objects.exists():
            return False
        gave_way = False

        def give_way() -> bool:
            nonlocal gave_way
            gave_way = IndexTask.objects.exists()
            return gave_way

        may_give_way = _merges_given_way < MERGE_GIVES_WAY_AT_MOST
        merged = backend.merge_idle(give_way=give_way if may_give_way else None)
        _merges_given_way = _merges_given_way + 1 if gave_way else 0
        if gave_way:
            log.info("index worker: a merge gave way to queued changes")
        return merged


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
        if done or ran_job:
            continue
        try:
            merged = merge_when_idle()
        except Exception:  # an unmerged index is still correct; try again next round
            log.exception("index worker: merging index segments failed")
            merged = False
        if not merged:
            time.sleep(interval)
