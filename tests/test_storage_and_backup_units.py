"""Pure parts of the fault handling: which failed writes mean "no room" (archive.ingest.storage:
the import stops) and which pg_dump a backup may use (archive.backup)."""

from __future__ import annotations

import errno
import sqlite3

from django.db import IntegrityError, OperationalError

from archive.ingest.storage import storage_failure


def _raised_from(error: BaseException, cause: BaseException) -> BaseException:
    try:
        raise error from cause
    except BaseException as raised:
        return raised


def test_a_full_disk_a_quota_or_a_size_limit_is_no_room():
    for number in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        assert storage_failure(OSError(number, "no room here")) == "no room here"


def test_sqlite_saying_so_through_django_is_no_room():
    for message in ("database or disk is full", "disk I/O error"):
        wrapped = _raised_from(OperationalError(message), sqlite3.OperationalError(message))
        assert storage_failure(wrapped) == message


def test_postgresql_out_of_resources_is_no_room():
    class DiskFull(Exception):
        sqlstate = "53100"

    wrapped = _raised_from(OperationalError("could not extend file"), DiskFull("could not extend"))
    assert storage_failure(wrapped) == "could not extend"


def test_other_errors_are_not():
    assert storage_failure(ValueError("bad date")) is None
    assert storage_failure(IntegrityError("UNIQUE constraint failed")) is None
    assert storage_failure(OperationalError("no such table: archive_article")) is None
    assert storage_failure(OSError(errno.ENOENT, "missing")) is None


def test_pg_dump_is_chosen_at_least_as_new_as_the_server():
    import pytest

    from archive.backup import BackupError, Program, choose, major_version

    assert major_version("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)") == 15
    assert major_version("pg_restore (PostgreSQL) 9.6.24") == 9
    assert major_version("something else") is None
    found = [Program("/old/pg_dump", 13), Program("/new/pg_dump", 17)]
    assert choose(found, 15, "pg_dump") == Program("/new/pg_dump", 17)
    with pytest.raises(
        BackupError, match=r"pg_dump 13 \(/old/pg_dump\) is older than the database server \(15\)"
    ):
        choose(found[:1], 15, "pg_dump")
    with pytest.raises(BackupError, match="pg_dump was not found: install the PostgreSQL client"):
        choose([], 15, "pg_dump")
