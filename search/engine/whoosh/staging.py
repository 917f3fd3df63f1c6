"""Segments staged beside the index (ArabicWhooshBackend.stage), and the clean-up of those a
killed process left behind."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass


@dataclass
class StagedSegment:
    """A segment written beside the index by ArabicWhooshBackend.stage(), not yet in it."""

    directory: str | None
    segment: object | None  # Whoosh's Segment; None when there was nothing to stage
    identifiers: list[str]  # the documents in it


STAGING_PREFIX = ".index-staging-"
# A staging folder this old belongs to a process that was killed while staging.
ABANDONED_STAGING_SECONDS = 24 * 3600


def remove_abandoned_staging(parent: str) -> None:
    now = time.time()
    for name in os.listdir(parent):
        path = os.path.join(parent, name)
        try:
            abandoned = now - os.stat(path).st_mtime > ABANDONED_STAGING_SECONDS
        except OSError:  # removed meanwhile
            continue
        if name.startswith(STAGING_PREFIX) and abandoned:
            shutil.rmtree(path, ignore_errors=True)
