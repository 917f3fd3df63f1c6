"""Does the index hold exactly what the database says it should? (`manage.py check_index`)

The index is derived from the database, so every difference is drift: an article with no
document (missing), a document that is not what its article makes now (stale: its fingerprint,
search.engine.contract.fingerprint, differs), a document with no article (orphaned), an index
analysed by another version of search.analysis, or an index that cannot be read at all.
Articles with a queued change are left out: the writer has yet to apply them, and that is not
drift. Repairs go through the outbox and the one writer like every other index change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.models import Article
from search.analysis import ANALYSIS_VERSION
from search.engine import get_engine
from search.engine.contract import IndexUnavailable, fingerprint
from search.indexing.documents import documents_for
from search.indexing.outbox import enqueue, rebuild_queue
from search.indexing.writer import BATCH_SIZE, process_pending, writer_lock
from search.models import IndexTask


@dataclass
class IndexReport:
    articles: int = 0
    indexed: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    orphaned: list[int] = field(default_factory=list)
    queued: int = 0  # articles with a change waiting for the writer (not drift)
    analysis_version: int | None = None
    unreadable: str | None = None  # why the index cannot be read

    @property
    def analysis_current(self) -> bool:
        return self.analysis_version == ANALYSIS_VERSION

    @property
    def needs_rebuild(self) -> bool:
        return self.unreadable is not None or not self.analysis_current

    @property
    def drift(self) -> bool:
        return self.needs_rebuild or bool(self.missing or self.stale or self.orphaned)


def check_index() -> IndexReport:
    """Compare the index with the database.

    Holds the writer's lock, so that no batch lands between reading the index and reading the
    articles; a change committed meanwhile has its task in the queue, read last, and is left
    out as queued.
    """
    engine = get_engine()
    report = IndexReport()
    with writer_lock():
        try:
            report.analysis_version = engine.analysis_version()
            held = engine.fingerprints()
        except IndexUnavailable as error:
            report.unreadable = str(error)
            held = {}
        ids = sorted(Article.objects.values_list("pk", flat=True))
        expected: dict[int, str] = {}
        for start in range(0, len(ids), BATCH_SIZE):
            documents, _ = documents_for(ids[start : start + BATCH_SIZE])
            expected.update((document.id, fingerprint(document)) for document in documents)
        queued = set(IndexTask.objects.values_list("article_id", flat=True))
    report.articles = len(expected)
    report.indexed = len(held)
    report.queued = len(queued)
    report.missing = sorted(expected.keys() - held.keys() - queued)
    report.orphaned = sorted(held.keys() - expected.keys() - queued)
    report.stale = sorted(
        pk
        for pk, value in held.items()
        if pk in expected and pk not in queued and value != expected[pk]
    )
    return report


def repair_index(report: IndexReport) -> int:
    """Bring the index in line with the database; return how many articles were re-indexed.

    An unreadable index, or one from another analysis version, is emptied and rebuilt; otherwise
    only the missing, stale and orphaned documents are queued and applied (an orphan's article
    is gone, so the writer deletes it).
    """
    if report.needs_rebuild:
        with writer_lock():
            get_engine().clear()  # removes a damaged index without reading it
        rebuild_queue()
    else:
        enqueue([*report.missing, *report.stale, *report.orphaned])
    return process_pending()
