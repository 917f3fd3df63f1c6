"""An import's index changes applied on the second core while the import goes on.

The second process is a fork that drains through the one writer (writer.py), so it is still
the only writer at a time and sees exactly the committed changes; at the end of the import what
is still queued is shared out between the two processes (the engine's stage/add_staged).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection as db_connection
from django.db import connections as db_connections

from search.engine import get_engine, reset_engine
from search.indexing.documents import documents_for
from search.indexing.outbox import pending_count
from search.indexing.writer import BATCH_SIZE, process_pending, writer_lock
from search.models import IndexTask

log = logging.getLogger(__name__)


# A drain alongside an import waits for this many queued changes before applying them: each
# application is a Whoosh segment, and many small ones cost more to write and to merge (with
# 500, a 100k import made 200 segments, and its commits merged them while it ran).
ALONGSIDE_MIN_BATCH = BATCH_SIZE
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
            self._shared.ending.value = True


@contextmanager
def drain_alongside(min_batch: int | None = None) -> Iterator[AlongsideDrain]:
    """While the body (a bulk import) runs, apply its committed index changes in a second
    process, so parsing and indexing overlap on two cores instead of taking turns.

    The second process is a fork of this one that drains through process_pending, so it is
    still the one writer at a time (the writer lock) and it sees exactly the committed changes.
    When the body is done, what is still queued is shared out so both cores finish together:
    the second process finishes its batch and applies the oldest part of the queue, and this
    process indexes the newest part at the same time, as a staged segment
    (the engine's stage()) that it adds once the other is done.

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
        with _holding(shared.lock, child.is_alive):
            if finished:
                try:
                    shared.limit.value, ours = _share_out(shared)
                except Exception:
                    log.exception("sharing out the end of an import failed")
                    finished = False
            # Not finished: the other process drains everything, as it would alone.
            shared.hand_over.value = finished
            shared.stop.value = True
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
        # Flags and counters are plain shared memory, no lock: a process killed while holding a
        # lock (an Event's, a Value's) would leave the other waiting for it for ever. The one
        # lock is taken through _holding, which gives up waiting once the other process is gone.
        self.stop = context.Value("b", 0, lock=False)
        self.ending = context.Value("b", 0, lock=False)  # the import expects to end soon
        self.hand_over = context.Value("b", 0, lock=False)  # stopping: leave the rest to us
        self.claimed = context.Value("q", 0, lock=False)  # the last task id it has taken
        self.busy = context.Value("q", 0, lock=False)  # the size of the batch it is applying
        self.busy_since = context.Value("d", 0.0, lock=False)  # when it took it (monotonic)
        self.seconds_per_change = context.Value("d", 0.0, lock=False)  # in its last batch
        self.limit = context.Value("q", 0, lock=False)  # handed over: the last task id it takes
        self.applied = context.Value("q", 0, lock=False)  # written by the drain alone


@contextmanager
def _holding(lock, other_alive: Callable[[], bool]) -> Iterator[None]:
    """Hold the lock the two processes share, or go on without it once the other process is
    gone (killed, perhaps while holding it): nobody else takes it, and waiting would hang this
    one for ever (the importer at its end, or the drain, holding the writer's lock)."""
    acquired = False
    while not acquired:
        acquired = lock.acquire(timeout=0.5)
        if not acquired and not other_alive():
            break
    try:
        yield
    finally:
        if acquired:
            lock.release()


def _claim_batch(shared: _Shared, read_batch: Callable[[], list], minimum: int = 0) -> list:
    """The drain's next batch (holding the shared lock): what read_batch() reads, cut to what
    the drain is to take, noted as claimed; none while fewer than `minimum` changes wait and
    the import is neither ending nor stopped."""
    batch = read_batch()
    if len(batch) < minimum and not shared.ending.value and not shared.stop.value:
        # Without this, the drain's batches after the first are whatever the import committed
        # while the last one was applied: an engine that keeps up (PostgreSQL: ~225 articles)
        # then writes hundreds of small batches for the idle merges to rewrite.
        batch = []
    if shared.ending.value and not shared.stop.value:
        # (Once stopped, its share of the rest is one batch: one commit, not several.)
        batch = batch[:ALONGSIDE_ENDING_BATCH]
    if shared.stop.value and shared.hand_over.value:
        batch = [task for task in batch if task[0] <= shared.limit.value]
    if batch:
        shared.claimed.value = max(shared.claimed.value, batch[-1][0])
    now = time.monotonic()
    if shared.busy.value:  # the batch before is done
        elapsed = now - shared.busy_since.value
        shared.seconds_per_change.value = elapsed / shared.busy.value
    shared.busy.value, shared.busy_since.value = len(batch), now
    return batch


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
    # Database connections this process inherited are the parent's, even those the parent
    # closed only in another context (a test driving Playwright runs in greenlets): forget them
    # without closing them, which on a database server would end the parent's session.
    for inherited in db_connections.all(initialized_only=True):
        inherited.connection = None
    # Fresh index handles too: file positions are shared with the parent after a fork.
    reset_engine()

    threshold = min(min_batch, ALONGSIDE_FIRST_BATCH)

    def claim(read_batch: Callable[[], list]) -> list:
        nonlocal threshold
        with _holding(shared.lock, lambda: os.getppid() == parent):
            batch = _claim_batch(shared, read_batch, threshold)
        if batch:
            threshold = min_batch
        return batch

    try:
        while True:
            orphaned = os.getppid() != parent
            stopping = shared.stop.value or orphaned
            if stopping or pending_count() >= threshold:
                shared.applied.value += process_pending(
                    claim=None if orphaned else claim, merge=False
                )
            if stopping:
                break
            for _ in range(5):  # 0.25 s, or less once told to stop
                if shared.stop.value:
                    break
                time.sleep(0.05)
    except Exception as error:
        # The importer applies what is left itself (and reports it if it fails the same way,
        # e.g. a full disk); a file system error needs no traceback here.
        log.error(
            "the index drain alongside the import stopped: %s: %s",
            type(error).__name__,
            error,
            exc_info=not isinstance(error, OSError),
        )
        raise SystemExit(1) from None
    finally:
        db_connections.close_all()


def _stage(batch: list[tuple[int, int]]) -> tuple | None:
    """Index these (task id, article id) aside (without the writer lock), if the engine can."""
    engine = get_engine()
    if not engine.can_stage:
        return None
    article_ids = {article_id for _, article_id in batch}
    documents, gone = documents_for(article_ids)
    return [task_id for task_id, _ in batch], len(article_ids), engine.stage(documents), gone


def _add_staged(task_ids: list[int], count: int, staged, gone: list[int]) -> int:
    """Add a staged batch under the writer lock, then delete the tasks it applied."""
    with writer_lock():
        get_engine().add_staged(staged, gone)
        IndexTask.objects.filter(id__in=task_ids).delete()
    return count
