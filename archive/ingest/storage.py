"""Writes that fail for lack of room: a full disk, a quota, a file size limit, an I/O error.

Such a failure is not the fault of the article being stored, and every article after it would
fail the same way: the import stops (StorageFull) instead of reporting each of them failed.
Pure: the exception and its causes are examined by their types, numbers and messages.
"""

from __future__ import annotations

import errno

# OSError numbers that mean there is no room to write.
NO_ROOM = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
# What SQLite says when a write fails for lack of room (SQLITE_FULL) or at the file system
# (SQLITE_IOERR: a file size limit reached shows as this).
SQLITE_MESSAGES = ("database or disk is full", "disk i/o error")
# PostgreSQL's class 53, insufficient resources (53100 disk_full, 53200 out_of_memory, ...).
POSTGRES_CLASS = "53"


class StorageFull(Exception):
    """Writing to the database failed for lack of room (or an I/O error): nothing after it
    can be stored either."""


def storage_failure(error: BaseException) -> str | None:
    """What was wrong, if this error (or one it was raised from) is a write that failed for
    lack of room or at the disk; None for any other error."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in NO_ROOM:
            return current.strerror or str(current)
        sqlstate = getattr(current, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(POSTGRES_CLASS):
            return str(current).strip().splitlines()[0]
        message = str(current).lower()
        if type(current).__name__ == "OperationalError" and any(
            text in message for text in SQLITE_MESSAGES
        ):
            return str(current)
        current = current.__cause__ or current.__context__
    return None


def database_full_message(reason: str, again: str) -> str:
    """What an import stopped by StorageFull says, wherever it ran; `again` is how to finish
    it once there is room (each batch commits whole or not at all, so it can be run again)."""
    return (
        f"the import stopped: the database could not be written ({reason}); the disk is full "
        "or a file size limit was reached. The articles stored before it are kept, none of the "
        f"batch being written. Free some space and {again}: what is already stored is skipped."
    )


def index_full_message(reason: str, remedy: str) -> str:
    """What an import says when it stored its articles but the search index refused them."""
    return (
        f"the search index could not be written ({reason}). The articles are stored and queued "
        f"for the index: free some space, {remedy}."
    )
