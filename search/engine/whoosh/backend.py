"""The embedded engine (the default): a Whoosh index in the data dir, fixed for Arabic and for a
live web site. It implements search.engine.contract.SearchEngine as a haystack backend, so
haystack's connections (HAYSTACK_CONNECTIONS, one engine per thread) select and configure it.

What the stock haystack Whoosh backend gets wrong, and what this one does instead:
- text goes through the Arabic analyzers (analyzers.py), not the English StemmingAnalyzer;
- facet fields keep whole values verbatim (multi-valued, exact counts), not split and stemmed;
- one searcher is reused across queries and refreshed only when the index changed, and the
  index is opened without mmap, so a query does not pay for opening the index;
- queries are evaluated (evaluate.py) over posting lists held as numpy arrays (postings.py),
  read once per segment: matching, BM25, phrases, facet counts, date ranges and ranking are
  vectorised instead of Whoosh's pure-Python matcher walk, and a date range is a mask, not
  Whoosh's slowest query;
- writes take the index lock with a generous timeout and fail loudly instead of silently
  dropping deletes, and a whole batch of updates and deletes is one commit.

Everything Whoosh-specific stays in this package: the engine takes and returns the contract's
structures, so another engine can replace this one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from django.conf import settings
from haystack.backends import BaseEngine
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_ID, ID
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from search.analysis import ANALYSIS_VERSION
from search.analysis.query import ParsedQuery
from search.engine.contract import (
    IndexDocument,
    IndexUnavailable,
    SearchEngine,
    SearchHits,
    SearchRequest,
)
from search.engine.whoosh.evaluate import Evaluator, ranked
from search.engine.whoosh.index_view import IndexView
from search.engine.whoosh.merge_policy import LARGEST_MERGE, MergeAbandoned, TieredMerge
from search.engine.whoosh.postings import UNKNOWN_DAY_LAST, Segment, forget_segment
from search.engine.whoosh.schema import build_schema, identifier, whoosh_fields
from search.engine.whoosh.segment_writer import BatchSegmentWriter
from search.engine.whoosh.staging import STAGING_PREFIX, StagedSegment, remove_abandoned_staging

# Beside the index's files: the search.analysis.ANALYSIS_VERSION its documents were analysed with.
ANALYSIS_VERSION_FILE = "ANALYSIS_VERSION"

# How long a writer waits for the index lock before failing loudly (never silently).
WRITE_LOCK_TIMEOUT = 120.0


_SEGMENT_CACHES: dict[str, dict[str, Segment]] = {}
_SEGMENT_CACHES_LOCK = threading.Lock()


class _SearcherState:
    """A searcher and its documents as arrays (postings.py), valid exactly as long as it is."""

    def __init__(self, searcher, segments: dict[str, Segment]):
        self.searcher = searcher
        self.view = IndexView(searcher, segments, day_field="pubday", id_field=DJANGO_ID)
        # Segments merged away since are dropped from the cache (a view still using one keeps
        # its own reference).
        for key in set(segments) - self.view.segment_keys():
            segments.pop(key, None)
            forget_segment(key)


def _abandon(writer) -> None:
    """Cancel a failed writer, releasing the index lock even when its files cannot be closed
    (a full disk): a lock kept would stall the worker's next writes."""
    if writer.is_closed:
        return
    try:
        writer.cancel()
    except Exception:
        writer._finish()  # Whoosh's last step of cancel(): drop temporary files, unlock


class ArabicWhooshBackend(WhooshSearchBackend, SearchEngine):
    can_stage = True

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self._state: _SearcherState | None = None
        self._state_lock = threading.Lock()
        # segment id -> every identifier in it (_delete_stale); segments never change
        self._identifiers: dict[str, frozenset[bytes]] = {}

    # --- schema and set-up ----------------------------------------------------------------

    def setup(self):
        os.makedirs(self.path, exist_ok=True)
        # Without mmap a fresh searcher costs ~1 ms instead of ~500 ms on a large index.
        self.storage = FileStorage(self.path, supports_mmap=False)
        self.schema = build_schema()
        self.field_boosts = self._field_boosts()
        with self._unreadable_as_unavailable():
            exists = whoosh_index.exists(self.storage)
            if exists:
                # The schema given here is used as is (Whoosh never unpickles the stored one).
                self.index = self.storage.open_index(schema=self.schema)
        if not exists:
            self.index = self.storage.create_index(self.schema)
            self._record_analysis_version()
        self._state = None
        self.setup_complete = True

    def _record_analysis_version(self) -> None:
        """Note beside a new, empty index the analysis its documents will go through."""
        path = os.path.join(self.path, ANALYSIS_VERSION_FILE)
        # Whoosh's clean-up of old generations deletes only its own TOC and segment files.
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="ascii") as out:
            out.write(f"{ANALYSIS_VERSION}\n")
        os.replace(temporary, path)

    @contextmanager
    def _unreadable_as_unavailable(self) -> Iterator[None]:
        """What damaged files make Whoosh raise (OSError, EOFError, pickle and struct errors,
        ...) as the contract's IndexUnavailable, naming the folder and what was wrong."""
        try:
            yield
        except IndexUnavailable:
            raise
        except Exception as error:
            raise IndexUnavailable(
                f"the search index in {self.path} cannot be read "
                f"({type(error).__name__}: {error}); rebuild it from the database with "
                "`manage.py check_index --repair`"
            ) from error

    def analysis_version(self) -> int | None:
        """The ANALYSIS_VERSION recorded when the index was created; None for an index from
        before versions were recorded."""
        if not self.setup_complete:
            self.setup()
        try:
            with open(os.path.join(self.path, ANALYSIS_VERSION_FILE), encoding="ascii") as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    # --- writing ----------------------------------------------------------------------------

    def apply(
        self, documents: Sequence[IndexDocument], deleted: Sequence[int], *, merge: bool = True
    ) -> None:
        """Index `documents` and remove the articles `deleted`, all in one commit.

        With merge=False, segments are merged only if very many have gathered (merge_idle()
        merges the rest later): for an import, whose next batch would wait for the merge.
        """
        if not self.setup_complete:
            self.setup()
        if not documents and not deleted:
            return
        writer = BatchSegmentWriter(self.index, timeout=WRITE_LOCK_TIMEOUT, delay=0.05)
        try:
            stale = [identifier(pk) for pk in deleted]
            self._delete_stale(writer, [*stale, *(identifier(doc.id) for doc in documents)])
            for document in documents:
                writer.add_document(**whoosh_fields(document))
            writer.commit(mergetype=self._merge_policy(deferred=not merge))
        except BaseException:
            _abandon(writer)  # a failed commit must not keep the index lock
            raise

    @staticmethod
    def _merge_policy(**kwargs) -> TieredMerge:
        largest = getattr(settings, "ARCHIVE_INDEX_MERGE_ARTICLES", LARGEST_MERGE)
        return TieredMerge(largest_merge=largest, **kwargs)

    def merge_idle(self, give_way: Callable[[], bool] | None = None) -> bool:
        """Do one merge that is due (TieredMerge, idle), if any; say whether there was one.

        For the index writer when it has nothing else to do: merges left for later by
        apply(merge=False), and segments with many deleted documents. `give_way`, asked now
        and then during the merge, abandons it when it returns True (the index is left as it
        was; False is returned).
        """
        if not self.setup_complete:
            self.setup()
        policy = self._merge_policy(idle=True)
        segments = self.index._segments()
        merged, kept = policy.plan(segments)
        if not merged and len(kept) == len(segments):
            return False  # nothing due: no commit (each would be a new generation to reload)
        writer = BatchSegmentWriter(self.index, timeout=WRITE_LOCK_TIMEOUT, delay=0.05)
        writer.give_way = give_way
        try:
            writer.commit(mergetype=policy)
        except MergeAbandoned:
            writer.cancel()
            # Its files would otherwise wait for the next commit to be cleaned away.
            prefix = writer.newsegment.make_filename("")
            for name in self.storage.list():
                if name.startswith(prefix):
                    self.storage.delete_file(name)
            return False
        except BaseException:
            _abandon(writer)
            raise
        return True

    def _delete_stale(self, writer, identifiers) -> None:
        """Delete the documents of these identifiers from the writer's segments.

        Whoosh's delete_by_term looks each identifier up in every segment (with a query and a
        matcher each time: 0.4 ms an article at 14 segments, growing with them). Here each
        segment's identifiers are read once and kept, so an identifier no segment holds (every
        new article) costs a set lookup.
        """
        if not identifiers:
            return
        to_bytes = writer.schema[ID].to_bytes
        wanted = {to_bytes(identifier): identifier for identifier in identifiers}
        seen = set()
        with writer.searcher() as searcher:
            for leaf, offset in searcher.leaf_searchers():
                reader = leaf.reader()
                if reader.segment() is None:  # an empty index
                    continue
                key = reader.segment().segment_id()
                seen.add(key)
                held = self._identifiers.get(key)
                if held is None:
                    held = self._identifiers[key] = frozenset(reader.lexicon(ID))
                for tbytes in held.intersection(wanted):
                    for docnum in reader.postings(ID, wanted[tbytes]).all_ids():
                        writer.delete_document(offset + docnum)
        for key in self._identifiers.keys() - seen:  # merged away
            del self._identifiers[key]

    def stage(self, documents: Sequence[IndexDocument]) -> StagedSegment:
        """Write `documents` as a segment of a separate staging index, without
        taking this index's lock; add_staged() then adds it to this index in one commit.

        For a second process to index while the writer is busy (search.indexing drain_alongside):
        the segment is written beside the index, not in it, because every commit deletes the
        files of segments its table of contents does not list.
        """
        if not self.setup_complete:
            self.setup()
        if not documents:
            return StagedSegment(None, None, [])
        parent = os.path.dirname(os.path.abspath(self.path))
        remove_abandoned_staging(parent)
        directory = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=parent)
        try:
            staging = FileStorage(directory, supports_mmap=False).create_index(
                self.schema, indexname=self.index.indexname
            )
            writer = BatchSegmentWriter(staging)
            for document in documents:
                writer.add_document(**whoosh_fields(document))
            writer.commit(merge=False)
            (segment,) = staging._segments()
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return StagedSegment(directory, segment, [identifier(doc.id) for doc in documents])

    def add_staged(self, staged: StagedSegment, deleted: Sequence[int]) -> None:
        """Add a segment from stage() and remove the articles `deleted`, in one commit."""
        if not self.setup_complete:
            self.setup()
        stale = [*(identifier(pk) for pk in deleted), *staged.identifiers]
        if not stale:
            return
        writer = BatchSegmentWriter(self.index, timeout=WRITE_LOCK_TIMEOUT, delay=0.05)
        try:
            # Copies indexed meanwhile (an article changed again) give way to the staged ones.
            self._delete_stale(writer, stale)
            if staged.segment is not None:
                # Same file system, and no commit can run meanwhile: we hold the lock.
                for name in staged.segment.list_files(FileStorage(staged.directory)):
                    os.replace(os.path.join(staged.directory, name), os.path.join(self.path, name))
                writer.add_staged_segment(staged.segment)
            # Only an import adds staged segments: merging waits until the index is idle.
            writer.commit(mergetype=self._merge_policy(deferred=True))
        except BaseException:
            _abandon(writer)
            raise
        finally:
            if staged.directory:
                shutil.rmtree(staged.directory, ignore_errors=True)

    def clear(self, models=None, commit=True) -> None:
        """Remove every document. (haystack's signature; `models` and `commit` are ignored.)

        The folder is removed without being opened first, so that a damaged index can be
        cleared (and rebuilt) too."""
        self.delete_index()

    def delete_index(self):
        if os.path.exists(self.path):
            shutil.rmtree(self.path)
        self._state = None
        self._identifiers.clear()
        with _SEGMENT_CACHES_LOCK:
            _SEGMENT_CACHES.pop(os.path.abspath(self.path), None)
        self.setup()

    # --- reading ----------------------------------------------------------------------------

    def _current(self) -> _SearcherState:
        """The shared searcher, refreshed only when the index has a new generation."""
        if not self.setup_complete:
            self.setup()
        with self._state_lock, self._unreadable_as_unavailable():
            state = self._state
            if state is None:
                self._state = _SearcherState(self.index.searcher(), self._segment_cache())
            elif not state.searcher.up_to_date():
                # A new searcher, not refresh(): refreshing closes the old searcher's segments
                # merged away, under a search another thread may still be running on them
                # (ReaderClosed, answered 503). They close when no search holds them any more;
                # what was read from the segments kept is shared through the segment cache.
                self._state = _SearcherState(self.index.searcher(), self._segment_cache())
            return self._state

    def _segment_cache(self) -> dict[str, Segment]:
        """What has been read from this index's segments, shared by the process's threads
        (haystack gives each thread its own backend, and with it its own Whoosh file handles;
        the arrays read from a segment are the same for all of them)."""
        with _SEGMENT_CACHES_LOCK:
            return _SEGMENT_CACHES.setdefault(os.path.abspath(self.path), {})

    def warm_up(self, facets: tuple[str, ...] = ()) -> None:
        """Read what every search needs from any segment not read yet (lengths, dates, these
        facets), so no reader waits for it: at start-up, and after the index changed."""
        view = self._current().view
        with self._unreadable_as_unavailable():
            view.days()
            view.article_ids()
            for name in ("text", "title", "exact"):
                view.lengths(name)
            for name in facets:
                view.facet(name)

    def count(self) -> int:
        return self._current().searcher.doc_count()

    def document_frequencies(self, forms: Sequence[str]) -> dict[str, int]:
        with self._unreadable_as_unavailable():
            view = self._current().view
            return {form: view.doc_frequency("exact", form) for form in forms}

    def fingerprints(self) -> dict[int, str | None]:
        with self._unreadable_as_unavailable():
            reader = self._current().searcher.reader()
            return {
                int(stored[DJANGO_ID]): stored.get("fingerprint")
                for stored in reader.all_stored_fields()
            }

    def search(self, request: SearchRequest) -> SearchHits:
        # Segments are read as a search first needs them: damage may show only now.
        with self._unreadable_as_unavailable():
            return self._search(request)

    def _search(self, request: SearchRequest) -> SearchHits:
        state = self._current()
        view = state.view
        parsed = request.query
        if parsed.is_empty and not request.match_all:
            return SearchHits(0, [], {name: [] for name in request.facets})
        counting_all = (
            parsed.is_empty
            and not any(request.filters.values())
            and request.day_from is None
            and request.day_to is None
            and request.limit == 0
        )
        if counting_all:
            # The same counts for every such request until the index changes, kept by the view.
            facets = {name: list(view.count_live(name)) for name in request.facets}
            return SearchHits(view.live_count, [], facets, None, dict(view.months_live()), [])
        if parsed.is_empty:
            # Browsing: every live document matches, unscored (ordered by date).
            matched, scores = view.live.copy(), np.zeros(view.size, dtype=np.float32)
            capped: list[str] = []
        else:
            evaluator = Evaluator(view, self.field_boosts)
            matched, scores = evaluator.evaluate(parsed)
            capped = evaluator.capped_prefixes
        if request.day_from is not None or request.day_to is not None:
            days = view.days()
            matched &= (days >= (request.day_from or 1)) & (
                days <= (request.day_to or UNKNOWN_DAY_LAST)
            )

        # A facet is counted over the documents passing every filter except its own, so a
        # reader can widen a choice as well as narrow it.
        having = {
            name: view.having(name, values) for name, values in request.filters.items() if values
        }
        allowed = matched.copy()
        for mask in having.values():
            allowed &= mask
        facets = {}
        for name in request.facets:
            among = allowed
            if name in having:
                among = matched.copy()
                for other, mask in having.items():
                    if other != name:
                        among &= mask
            facets[name] = view.count(name, among)

        total = int(allowed.sum())
        ids: list[int] = []
        page_scores: list[float] = []
        if total and request.limit != 0:
            page = ranked(view, allowed, scores, request.sort, request.offset, request.limit)
            ids = view.article_ids()[page].tolist()
            page_scores = scores[page].tolist()
        suggestion = None
        if not total and not parsed.is_empty:
            suggestion = self._suggest(view, parsed)
        return SearchHits(total, ids, facets, suggestion, view.months(allowed), page_scores, capped)

    def _field_boosts(self) -> dict[str, float]:
        """Boosts Whoosh multiplied into the stored weights, to be divided out when scoring."""
        return {
            name: self.schema[name].format.field_boost
            for name in self.schema.names()
            if getattr(self.schema[name], "format", None) is not None
        }

    def suggest(self, query: ParsedQuery) -> str | None:
        return self._suggest(self._current().view, query)

    def _suggest(self, view: IndexView, parsed: ParsedQuery) -> str | None:
        """A corrected query when this one found nothing: each unknown word → its nearest term."""
        changed = False
        parts = []
        for group in parsed.groups:
            alternatives = []
            for clause in group:
                words = []
                for word in clause.words:
                    replacement = word.original
                    # Known means in a live document (a deleted one's terms stay in its segment).
                    if clause.kind != "prefix" and not view.live_frequency(
                        view.term("exact", word.exact)[0]
                    ):
                        found = view.nearest_term("exact", word.exact)
                        if found:
                            replacement, changed = found, True
                    words.append(replacement)
                alternatives.append(clause.written(words))
            parts.append(" OR ".join(alternatives))
        return " ".join(parts) if changed else None


class ArabicWhooshEngine(BaseEngine):
    backend = ArabicWhooshBackend
    query = WhooshSearchQuery
