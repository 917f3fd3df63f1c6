"""Backups of the database (`manage.py backup` / `restore`): articles, their originals (stored
in the database, byte for byte), sources, tags, entities, users, import history.

The search index is not in a backup: it is derived from the database and rebuilt after a
restore (on PostgreSQL the engine's tables are dumped empty). Uploads still waiting in the
data dir for the worker are not in it either.

- SQLite: the sqlite3 online backup API copies the database page by page from one read
  snapshot, so the copy is consistent while the web server and the worker keep writing (WAL).
  The backup is itself a SQLite database.
- PostgreSQL: pg_dump (custom format) reads one snapshot too. It must be at least the server's
  major version, so it is looked for at run time (ARCHIVE_PG_BIN, PATH, /usr/lib/postgresql)
  and a clear message says what to install when none fits; restore uses pg_restore alike.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection

from archive.models import Article, Original

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# The PostgreSQL search engine's tables whose rows are the index, rebuilt after a restore (its
# one-row totals table is kept: the engine needs the row, and the rebuild resets it).
INDEX_TABLES = (
    "search_pg_document",
    "search_pg_block",
    "search_pg_dead",
    "search_pg_lexicon",
)


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


# --- the PostgreSQL client programs ---------------------------------------------------------


@dataclass(frozen=True)
class Program:
    path: str
    major: int


def major_version(version_output: str) -> int | None:
    """The major version in `pg_dump --version`'s output ("pg_dump (PostgreSQL) 15.18 (...)":
    15; "... 9.6.24": 9)."""
    found = re.search(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?", version_output)
    return int(found.group(1)) if found else None


def choose(programs: list[Program], server_major: int, name: str) -> Program:
    """The newest of these programs, if it is at least the server's major version."""
    if not programs:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client programs of version "
            f"{server_major} or newer (Debian: apt-get install postgresql-client), or set "
            f"ARCHIVE_PG_BIN to the folder holding {name}"
        )
    best = max(programs, key=lambda program: program.major)
    if best.major < server_major:
        raise BackupError(
            f"{name} {best.major} ({best.path}) is older than the database server "
            f"({server_major}) and cannot read it: install the PostgreSQL client programs of "
            f"version {server_major} or newer, or set ARCHIVE_PG_BIN to their folder"
        )
    return best


def _candidates(name: str) -> list[str]:
    if settings.ARCHIVE_PG_BIN:
        return [os.path.join(settings.ARCHIVE_PG_BIN, name)]
    found = [shutil.which(name) or ""]
    found += sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return [path for path in dict.fromkeys(found) if path and os.access(path, os.X_OK)]


def find_program(name: str) -> Program:
    """pg_dump or pg_restore, able to work with this database's server."""
    programs = []
    for path in _candidates(name):
        try:
            output = subprocess.run(
                [path, "--version"], capture_output=True, text=True, timeout=30, check=True
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        major = major_version(output)
        if major is not None:
            programs.append(Program(path, major))
    connection.ensure_connection()
    return choose(programs, connection.pg_version // 10000, name)


def _libpq_environment() -> dict[str, str]:
    """The database's connection settings as libpq reads them (no password on a command line)."""
    database = connection.settings_dict
    given = {
        "PGHOST": database.get("HOST"),
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
        "PGSSLMODE": (database.get("OPTIONS") or {}).get("sslmode"),
    }
    return {**os.environ, **{key: value for key, value in given.items() if value}}


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, env=_libpq_environment(), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what} failed (exit {done.returncode}): {done.stderr.strip()}")


# --- backup ---------------------------------------------------------------------------------


def backup(path: Path) -> None:
    """Copy the database to `path` (a new file), consistently, while it is in use."""
    if path.exists():
        raise BackupError(f"{path} already exists: give the backup a new name")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder")
    # Written beside, then renamed: a backup that fails half-way leaves no file that looks whole.
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if connection.vendor == "sqlite":
            _backup_sqlite(partial)
        elif connection.vendor == "postgresql":
            _backup_postgres(partial)
        else:
            raise BackupError(f"backups of a {connection.vendor} database are not supported")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _backup_sqlite(target: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # One step: the whole copy is read from one snapshot (WAL: writers go on meanwhile).
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()


def _backup_postgres(target: Path) -> None:
    pg_dump = find_program("pg_dump")
    _run(
        [
            pg_dump.path,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            *(f"--exclude-table-data={table}" for table in INDEX_TABLES),
            f"--file={target}",
        ],
        "pg_dump",
    )


# --- restore --------------------------------------------------------------------------------


def backup_kind(path: Path) -> str:
    """ "sqlite" or "postgresql": what made the backup at `path`."""
    try:
        with open(path, "rb") as backup_file:
            head = backup_file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"{path}: {error.strerror or error}") from error
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a backup made by `manage.py backup`")


def holds_articles() -> bool:
    """Whether this database holds any article or original (a new one holds none, or has no
    tables yet)."""
    try:
        return Article.objects.exists() or Original.objects.exists()
    except DatabaseError:  # not migrated yet: empty
        return False


def restore(path: Path) -> None:
    """Replace this database's contents with the backup at `path` (of the same kind)."""
    kind = backup_kind(path)
    if kind != connection.vendor:
        raise BackupError(
            f"{path} is a backup of a {kind} database; this one is {connection.vendor}: "
            f"restore it into a {kind} database (DATABASE_URL)"
        )
    if kind == "sqlite":
        _restore_sqlite(path)
    else:
        _restore_postgres(path)


def _restore_sqlite(path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is damaged (SQLite's quick_check fails)")
        connection.ensure_connection()
        # Page by page into the open database, which stays a WAL database in place.
        source.backup(connection.connection)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} could not be read: {error}") from error
    finally:
        source.close()
    connection.close()  # what this connection knew of the old database is gone


def _restore_postgres(path: Path) -> None:
    pg_restore = find_program("pg_restore")
    connection.close()  # pg_restore drops and recreates the tables
    _run(
        [
            pg_restore.path,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(path),
        ],
        "pg_restore",
    )
