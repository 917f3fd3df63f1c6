"""Near-duplicate lookups against the database, for import runs.

archive.ingest.neardup holds the pure part (shingles, MinHash signatures, the LSH index). Here:
the index of the stored articles' signatures, kept for the life of the process and brought up
to date at the start of each run (_StoredSignatures), and the lookups of one run
(NearDuplicates), which also remember what a dry run would have stored.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from archive.ingest import neardup
from archive.models import Article


class _StoredSignatures:
    """The LSH index of the stored articles' signatures, kept for the life of the process.

    Building it costs about 0.3 ms per article (4 s for 12,000 on the reference machine), too
    much for every admin preview; so each process builds it once and, at the start of every
    import run, adds only the articles saved since (by their `updated` time, with a margin for
    transactions that committed late). Entries of deleted or since-edited articles may linger:
    every candidate is checked against the database before it counts, so they cost nothing.
    (`updated` is written by the application's clock: the margin also covers clock skew between
    machines sharing one database.)
    """

    MARGIN = timedelta(minutes=5)

    def __init__(self):
        self._lock = threading.Lock()
        self._index: neardup.LshIndex | None = None
        self._seen = None  # when the index was last brought up to date
        self._database = None

    def current(self, *, write: bool) -> neardup.LshIndex:
        with self._lock:
            database = connection.settings_dict.get("NAME")
            if self._index is None or self._database != database:
                self._index, self._seen, self._database = neardup.LshIndex(), None, database
            self._sign_missing(write)
            started = timezone.now()
            rows = Article.objects.exclude(minhash=b"").exclude(minhash__isnull=True)
            if self._seen is not None:
                rows = rows.filter(updated__gte=self._seen - self.MARGIN)
            for pk, value in rows.values_list("pk", "minhash").iterator(chunk_size=2000):
                self._index.add(pk, bytes(value))
            self._seen = started
            return self._index

    def _sign_missing(self, write: bool) -> None:
        """Articles stored without a signature (raw SQL, old rows): sign them now."""
        missing = Article.objects.filter(minhash__isnull=True).only("pk", "blocks")
        for article in missing.iterator(chunk_size=500):
            article.body = Article.body_from_blocks(article.blocks)
            value = neardup.signature(article.shingles()) or b""
            if write:
                Article.objects.filter(pk=article.pk).update(minhash=value)
            self._index.add(article.pk, value)

    def add(self, pk: int, value: bytes) -> None:
        with self._lock:
            if self._index is not None:
                self._index.add(pk, value)

    def forget(self) -> None:
        """Drop the index (the next run builds it again from the database)."""
        with self._lock:
            self._index = self._seen = self._database = None


_STORED = _StoredSignatures()


def forget_stored_signatures() -> None:
    """Free the stored articles' signatures, about 3 KB an article, in a process that will
    import nothing more (the import command, before it indexes the end of its import)."""
    _STORED.forget()


class NearDuplicates:
    """Near-duplicate lookups for one import run.

    Stored articles come from the process-wide index, brought up to date when the run first
    needs it; articles the run stores join it as they commit. A dry run stores nothing, so what
    it would have stored goes into a run-local index, keyed by label, with the shingles kept.
    """

    def __init__(self, *, write: bool = True):
        self._stored: neardup.LshIndex | None = None
        self._run = neardup.LshIndex()
        self._run_shingles: dict[str, frozenset[str]] = {}
        self._write = write

    @property
    def stored(self) -> neardup.LshIndex:
        if self._stored is None:
            self._stored = _STORED.current(write=self._write)
        return self._stored

    def forget_stored(self) -> None:
        """Let go of the stored articles' index (see forget_stored_signatures)."""
        self._stored = None

    def find(self, article: Article) -> tuple[int | str, float] | None:
        """The stored article (id) or run label this one nearly duplicates, with similarity."""
        if not article.minhash:
            return None
        ids = [c for c in self.stored.candidates(article.minhash) if c != article.pk]
        labels = self._run.candidates(article.minhash) if self._run_shingles else []
        if not ids and not labels:
            return None
        mine = article.shingles()
        stored = Article.objects.filter(pk__in=ids).values_list(
            "pk", "blocks", "near_duplicate_of_id"
        )
        scored = [
            (root or pk, neardup.jaccard(mine, neardup.shingles(Article.body_from_blocks(blocks))))
            for pk, blocks, root in stored
        ]
        scored += [(label, neardup.jaccard(mine, self._run_shingles[label])) for label in labels]
        best: tuple[int | str, float] | None = None
        for key, similarity in scored:
            if similarity >= neardup.THRESHOLD and (best is None or similarity > best[1]):
                best = (key, similarity)
        return best

    def add(self, key: int | str, article: Article) -> None:
        if not article.minhash:
            return
        if isinstance(key, str):
            self._run.add(key, article.minhash)
            self._run_shingles[key] = article.shingles()
        else:
            _STORED.add(key, article.minhash)
