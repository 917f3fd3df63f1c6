"""Import batches: admin uploads (stored, previewed, then imported inline or in the background)
and the history of command-line runs.

Background imports are django-tasks tasks kept in the database (django-tasks-db): enqueuing is a
row written beside the ImportBatch, so it survives restarts and needs no broker. The uploaded
files wait in the database too (UploadChunk, a few megabytes a row), so the worker may run on
any machine that reaches the database: no web machine's disk holds anything it needs.
The one worker process (`manage.py worker`, also reachable as `index_worker`) runs them between
rounds of index updates, so there is still a single index writer. The task API is Django 6's
`django.tasks`: on Django 6 the backport goes.
"""

from __future__ import annotations

import io
import logging
import time
import traceback
import uuid
from contextlib import nullcontext, suppress

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from archive import collection, rows
from archive.dbstats import refresh_planner_statistics
from archive.ingest.ahead import analysing_ahead
from archive.ingest.fields import Defaults
from archive.ingest.report import FAILED, IMPORTED, SKIPPED, UPDATED, Outcome, Report
from archive.ingest.service import Importer
from archive.ingest.storage import (
    StorageFull,
    database_full_message,
    index_full_message,
    storage_failure,
)
from archive.models import ImportBatch, ImportOutcome, UploadChunk
from search.indexing import AlongsideDrain, drain_alongside, process_pending

log = logging.getLogger(__name__)

# Unconfirmed previews are removed after this long.
STALE_AFTER_SECONDS = 24 * 3600
_COUNTERS = {IMPORTED: "imported", UPDATED: "updated", SKIPPED: "skipped", FAILED: "failed"}
# An uploaded file waits in rows of this many bytes: far below the 1 GB a value may hold in
# SQLite and PostgreSQL, and what one row costs in memory when it is written or read back.
UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024


def store_upload(files, defaults: Defaults, user=None) -> ImportBatch:
    """Keep uploaded files in the database until the import is confirmed; returns the batch.

    All in one transaction: an upload that cannot be stored whole leaves nothing."""
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            origin=ImportBatch.Origin.UPLOAD,
            created_by=user if user is not None and user.is_authenticated else None,
            status=ImportBatch.Status.PREVIEW,
            source=defaults.source,
            section=defaults.section,
            language=defaults.language,
            total_files=len(files),
        )
        entries = []
        for number, upload in enumerate(files, start=1):
            size = _store_chunks(batch, number, upload.chunks(UPLOAD_CHUNK_BYTES))
            entries.append({"name": upload.name, "size": size})
        batch.files = entries
        batch.save(update_fields=["files"])
    return batch


def _store_chunks(batch: ImportBatch, number: int, chunks) -> int:
    """Write one file's bytes as rows of UPLOAD_CHUNK_BYTES; returns its size."""
    pending = bytearray()
    position = size = 0
    for chunk in chunks:
        pending += chunk
        size += len(chunk)
        while len(pending) >= UPLOAD_CHUNK_BYTES:
            piece = bytes(pending[:UPLOAD_CHUNK_BYTES])
            del pending[:UPLOAD_CHUNK_BYTES]
            UploadChunk.objects.create(batch=batch, file=number, position=position, data=piece)
            position += 1
    if pending or position == 0:
        UploadChunk.objects.create(batch=batch, file=number, position=position, data=pending)
    return size


class UploadedFile(io.RawIOBase):
    """An uploaded file read back from its UploadChunk rows, one row at a time."""

    def __init__(self, batch_id: int, number: int):
        self._batch_id = batch_id
        self._number = number
        self._position = 0
        self._piece = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self._piece:
            data = (
                UploadChunk.objects.filter(
                    batch_id=self._batch_id, file=self._number, position=self._position
                )
                .values_list("data", flat=True)
                .first()
            )
            if data is None:
                return 0
            self._position += 1
            self._piece = memoryview(bytes(data))
        size = min(len(buffer), len(self._piece))
        buffer[:size] = self._piece[:size]
        self._piece = self._piece[size:]
        return size


def _defaults(batch: ImportBatch) -> Defaults:
    return Defaults(batch.source, batch.section, batch.language)


def _uploaded(batch: ImportBatch):
    """(name, opener, size) of each file of an upload, in order."""
    for number, entry in enumerate(batch.files, start=1):

        def opener(number=number):
            return io.BufferedReader(UploadedFile(batch.pk, number), UPLOAD_CHUNK_BYTES)

        yield entry["name"], opener, entry.get("size", 0)


def preview(batch: ImportBatch) -> Report:
    """Dry-run the real import over the stored files; keep what it found on the batch."""
    importer = Importer(
        _defaults(batch), dry_run=True, record_limit=settings.ARCHIVE_PREVIEW_RECORDS
    )
    report = importer.run_sources(_uploaded(batch))
    batch.preview = {
        "outcomes": [outcome.as_dict() for outcome in report.outcomes],
        "unread_files": report.unread_files,
        "unread_records": report.unread_records,
    }
    batch.save(update_fields=["preview"])
    return report


def total_size(batch: ImportBatch) -> int:
    return sum(entry.get("size", 0) for entry in batch.files)


def confirm(batch: ImportBatch) -> bool:
    """Import a previewed batch: now when it is small, else queued. True when it was queued."""
    if total_size(batch) <= settings.ARCHIVE_INLINE_IMPORT_BYTES:
        run_batch(batch.pk)
        return False
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW).update(
            status=ImportBatch.Status.QUEUED, background=True
        )
        if claimed:
            run_import_batch.enqueue(batch.pk)
    return True


@task()
def run_import_batch(batch_id: int) -> str:
    """The background task: import a confirmed upload."""
    return run_batch(batch_id)


def run_batch(batch_id: int) -> str:
    """Import every file of a batch, saving outcomes and progress file by file.

    Runs at most once at a time per batch: the status moves to "running" in one conditional
    update. A batch interrupted by a stopped worker is queued again at the worker's next start
    (resume_interrupted) and goes on after the last file it finished; importing is idempotent,
    so a file that was half done is skipped where it had got to.
    """
    claimed = ImportBatch.objects.filter(
        pk=batch_id, status__in=[ImportBatch.Status.PREVIEW, ImportBatch.Status.QUEUED]
    ).update(status=ImportBatch.Status.RUNNING, started=timezone.now())
    batch = ImportBatch.objects.get(pk=batch_id)
    if not claimed:
        return f"batch {batch_id} is {batch.status}; nothing to do"
    position = batch.outcomes.count()

    def sink(outcomes: list[Outcome]) -> None:
        nonlocal position
        position = save_outcomes(batch, outcomes, position)

    importer = Importer(_defaults(batch), sink=sink)
    try:
        # Only in the worker: an upload small enough to import at once runs in a web process.
        pacing = collection.paced() if batch.background else nullcontext()
        analysing = analysing_ahead() if batch.background else nullcontext()
        with pacing, _indexing_alongside(batch.background) as alongside, analysing:
            for done, (name, opener, size) in enumerate(_uploaded(batch), start=1):
                if done <= batch.processed_files:
                    continue
                importer.run_stream(name, opener, size)
                ImportBatch.objects.filter(pk=batch_id).update(processed_files=done)
                if batch.background and not alongside.ran:
                    _drain_index()
    except Exception as error:
        reason = str(error) if isinstance(error, StorageFull) else storage_failure(error)
        if reason is None:
            log.exception("import batch %s failed", batch_id)
            message = traceback.format_exc(limit=5)
        else:  # not a bug: the editor is told what to do, as import_articles tells its user
            message = database_full_message(reason, "upload the same files again")
            log.error("import batch %s: %s", batch_id, message)
        _record_failure(batch, message)
        raise
    # In the worker, what the import stored is searchable when its batch says "done", or the
    # batch says why not (the drain beside it and _drain_index only log what goes wrong).
    lagging = _index_the_rest() if batch.background else ""
    batch.refresh_from_db()  # its counts, for the summary
    error = ""
    if lagging:
        remedy = "and the worker makes them searchable: it tries again every few seconds"
        error = f"{batch.summary}; but {index_full_message(lagging, remedy)}"[-4000:]
        log.error("import batch %s: %s", batch_id, error)
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.DONE, finished=timezone.now(), error=error
    )
    with suppress(OSError, DatabaseError):  # else the worker's hourly clean-up removes it
        remove_upload(batch)
    try:
        refresh_planner_statistics()
    except (OSError, DatabaseError):  # statistics only speed queries up; the import is done
        log.exception("refreshing the planner's statistics after import batch %s failed", batch_id)
    return batch.summary


def _record_failure(batch: ImportBatch, message: str) -> None:
    """Mark a batch stopped, with what stopped it, and let its upload go (it is not run again).

    When even that cannot be written (the disk is still full), the batch stays "running" with
    its upload kept: the worker's next start queues it again (resume_interrupted), and it goes
    on after the last file it finished, skipping what is stored."""
    try:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, finished=timezone.now(), error=message[-4000:]
        )
    except (OSError, DatabaseError):
        log.error("import batch %s: its failure could not be recorded either", batch.pk)
        return
    with suppress(OSError, DatabaseError):  # else the worker's hourly clean-up removes it
        remove_upload(batch)


def save_outcomes(batch: ImportBatch, outcomes: list[Outcome], position: int) -> int:
    """Store outcomes and add them to the batch's counts; returns the next position."""
    values = [
        (batch.pk, number, outcome.name[:1000], outcome.status, outcome.message, outcome.article_id)
        for number, outcome in enumerate(outcomes, start=position + 1)
    ]
    position += len(outcomes)
    with transaction.atomic():
        # Plain SQL (archive.rows): an import of 10,000 records has as many outcomes.
        rows.insert_rows(
            ImportOutcome, ("batch", "position", "name", "status", "message", "article"), values
        )
        counts: dict = {}
        for outcome in outcomes:
            field = _COUNTERS[outcome.status]
            counts[field] = counts.get(field, 0) + 1
        if counts:
            ImportBatch.objects.filter(pk=batch.pk).update(
                **{field: F(field) + count for field, count in counts.items()}
            )
    return position


def start_command_run(paths, defaults: Defaults) -> ImportBatch:
    """Open an `import_articles` run in the import history; its outcomes are added as they come
    (save_outcomes) and finish_command_run closes it."""
    return ImportBatch.objects.create(
        origin=ImportBatch.Origin.COMMAND,
        status=ImportBatch.Status.RUNNING,
        started=timezone.now(),
        source=defaults.source,
        section=defaults.section,
        language=defaults.language,
        files=[{"name": str(path)} for path in paths],
        total_files=len(paths),
    )


def finish_command_run(batch: ImportBatch, error: str = "") -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED if error else ImportBatch.Status.DONE,
        finished=timezone.now(),
        processed_files=batch.total_files,
        error=error[-4000:],
    )


def remove_upload(batch: ImportBatch) -> None:
    """Delete the uploaded bytes of a batch (its import ended, or its preview went stale)."""
    UploadChunk.objects.filter(batch_id=batch.pk).delete()


def remove_stale_uploads() -> int:
    """Delete the uploaded bytes of previews nobody confirmed within a day (and any left by an
    ended import); returns how many uploads were removed."""
    cutoff = timezone.now() - timezone.timedelta(seconds=STALE_AFTER_SECONDS)
    stale = ImportBatch.objects.filter(
        # ...and those of ended imports that could not delete them (a full disk, see run_batch)
        Q(status=ImportBatch.Status.PREVIEW, created__lt=cutoff)
        | Q(status__in=[ImportBatch.Status.DONE, ImportBatch.Status.FAILED])
    )
    waiting = stale.filter(upload_chunks__isnull=False)
    batches = list(waiting.values_list("pk", flat=True).distinct())
    UploadChunk.objects.filter(batch_id__in=batches).delete()
    return len(batches)


# In the worker, a second process indexes what an upload stores once this many changes queue up
# (and the rest when it ends): smaller than the command's batches, so an editor sees a large
# upload become searchable as it goes.
UPLOAD_INDEX_BATCH = 200


def _indexing_alongside(background: bool):
    """search.indexing.drain_alongside for a background upload (the worker is the index writer
    anyway); for an import run in a request, nothing (the worker indexes it)."""
    return drain_alongside(UPLOAD_INDEX_BATCH) if background else nullcontext(AlongsideDrain())


def _index_the_rest() -> str:
    """Apply what the import left queued; "" when done, else why the index could not take it
    (its changes stay queued: the worker loop tries again)."""
    try:
        process_pending(blocking=False, merge=False)
    except (OSError, DatabaseError) as error:
        log.exception("applying index changes at the end of an import failed")
        return storage_failure(error) or f"{type(error).__name__}: {error}"
    return ""


def _drain_index() -> None:
    """In the worker, an import is the index writer's turn too: keep search up to date."""
    try:
        process_pending(blocking=False, merge=False)
    except Exception:  # the tasks stay queued; the worker loop retries
        log.exception("applying index changes during an import failed")


# --- the worker's job runner ------------------------------------------------------------------


def resume_interrupted() -> int:
    """Queue again the background imports a stopped worker left running (at worker start)."""
    interrupted = list(
        ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING, background=True)
    )
    for batch in interrupted:
        with transaction.atomic():
            ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED)
            run_import_batch.enqueue(batch.pk)
        log.info("import batch %s was interrupted: queued again", batch.pk)
    return len(interrupted)


_last_cleanup = 0.0


def run_next_job() -> bool:
    """Run one queued background job, if any; True when one ran. Called by the worker loop.

    The claim is django-tasks-db's own (its db_worker's loop, one task at a time): the task row
    is locked and marked as claimed in one exclusive transaction, then run and its result stored.
    """
    global _last_cleanup
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    if time.monotonic() - _last_cleanup > 3600:
        _last_cleanup = time.monotonic()
        try:
            remove_stale_uploads()
        except Exception:
            log.exception("removing stale uploads failed")
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id=_WORKER_ID,
        excluded_queue_names=[],
    )
    ready = DBTaskResult.objects.ready().filter(backend_name="default", queue_name="default")
    with exclusive_transaction(ready.db):
        task_result = ready.get_locked()
        if task_result is not None:
            task_result.claim(_WORKER_ID)
    if task_result is None:
        return False
    worker.run_task(task_result)
    return True


_WORKER_ID = f"arshif-{uuid.uuid4().hex[:16]}"
