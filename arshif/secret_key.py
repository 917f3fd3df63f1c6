"""The secret key kept in the data dir when DJANGO_SECRET_KEY is not given."""

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
