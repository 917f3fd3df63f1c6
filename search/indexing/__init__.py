"""Keeping the index in step with the database: one outbox, one writer, one worker.

- outbox.py: an IndexTask row per committed change, written in the article's own transaction;
- documents.py: an article as the engine indexes it (search.engine.contract.IndexDocument);
- writer.py: the single writer that applies queued changes in batches (`process_pending`);
- alongside.py: an import's changes applied on the second core while it runs;
- worker.py: the worker loop (queued changes, background jobs, merges when idle).
"""

from search.indexing.alongside import AlongsideDrain, drain_alongside
from search.indexing.outbox import enqueue, pending_count, rebuild_queue
from search.indexing.worker import merge_when_idle, run_worker
from search.indexing.writer import process_pending, writer_lock

__all__ = [
    "AlongsideDrain",
    "drain_alongside",
    "enqueue",
    "merge_when_idle",
    "pending_count",
    "process_pending",
    "rebuild_queue",
    "run_worker",
    "writer_lock",
]
