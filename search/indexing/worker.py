"""The worker loop: apply queued changes, run background jobs, merge when idle.

`manage.py worker` (started by `make run`) runs it; it is the one process that writes the index
while the site is up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from search.engine import get_engine
from search.indexing.writer import process_pending, writer_lock
from search.models import IndexTask

log = logging.getLogger(__name__)


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
    engine = get_engine()
    with writer_lock(blocking=False) as locked:
        if not locked or IndexTask.objects.exists():
            return False
        gave_way = False

        def give_way() -> bool:
            nonlocal gave_way
            gave_way = IndexTask.objects.exists()
            return gave_way

        may_give_way = _merges_given_way < MERGE_GIVES_WAY_AT_MOST
        merged = engine.merge_idle(give_way=give_way if may_give_way else None)
        _merges_given_way = _merges_given_way + 1 if gave_way else 0
        if gave_way:
            log.info("index worker: a merge gave way to queued changes")
        return merged


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
