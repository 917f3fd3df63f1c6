"""Django's secret key: DJANGO_SECRET_KEY, or on one machine a key kept in the data dir."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def kept_secret_key(path: Path) -> str:
    """The key in `path`, generated on first use.

    Processes starting at once on a fresh data dir (gunicorn's workers, the worker, a command)
    must all read the same, complete key: it is written whole, readable by its owner only, under
    a temporary name, then linked to `path` in one step that never replaces a key another
    process linked first. No process can see the file empty or another user read it.
    """
    if not path.exists():
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key-")
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(50))
                handle.flush()
                os.fsync(handle.fileno())
            # Another process may have been first: then its key is the one.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise ImproperlyConfigured(f"{path} is empty: delete it to generate a new key")
    return key


def secret_key(given: str, path: Path, *, shared_database: bool) -> str:
    """`given` (DJANGO_SECRET_KEY) when set; else the key kept in `path`, unless the database is
    one several machines may share (PostgreSQL), where a key generated into one machine's data
    dir would differ from the others': each machine would reject the others' session cookies
    and CSRF tokens (editors logged out, forms refused, at random behind a load balancer)."""
    if given:
        return given
    if shared_database:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DATABASE_URL is a PostgreSQL database: every "
            "web machine and the worker of one archive need the same key to accept each "
            "other's sessions and forms, and a key generated into one machine's data dir would "
            "differ from the others'. Generate one once (python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(50))') and give it to every machine, kept secret."
        )
    return kept_secret_key(path)
