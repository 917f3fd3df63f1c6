"""The PostgreSQL engine as a haystack backend (SEARCH_URL=postgres:), implementing
search.engine.contract.SearchEngine over the tables of store.py in the Django database.

Writes: apply() analyses its documents in Python first (documents.py; stage() alone does
that), then, in one transaction holding the engine's advisory lock, deletes the documents it
replaces or removes, copies the new rows in (COPY) and brings the lexicon and totals up to date
by the difference, with a new generation; a search sees the whole batch or none of it.

Reads: a search runs in one REPEATABLE READ, READ ONLY transaction (unless the caller already
holds a transaction open, whose snapshot it then shares), so all its statements see the same
index. The query is evaluated in numpy (evaluate.py) over the postings of its terms; facets,
filters and months are counted over the columns warm_up() read into the process when they are
of the snapshot's generation (columns.py), in SQL over the matches otherwise; suggestions
compare the query's unknown words with the lexicon in Python (rapidfuzz), as the Whoosh engine
does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from haystack.backends import BaseEngine, BaseSearchBackend, BaseSearchQuery
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from search.analysis.query import ParsedQuery
from search.engine.contract import (
    FACETS,
    IndexDocument,
    SearchEngine,
    SearchHits,
    SearchRequest,
)
from search.engine.ordering import UNKNOWN_DAY_LAST, ranked
from search.engine.postgres import blocks, columns
from search.engine.postgres.columns import CACHE, Columns
from search.engine.postgres.documents import DocumentRows, rows_of
from search.engine.postgres.evaluate import Evaluator
from search.engine.postgres.store import Store

# merge_idle() vacuums a table once this many of its rows (and this share of them) are new or
# dead since its last vacuum.
VACUUM_AFTER_ROWS = 10_000
VACUUM_AFTER_SHARE = 0.01
# "Did you mean": the most edits (a transposition counting as one) a suggested word may be from
# the word typed.
MAX_SUGGESTION_DISTANCE = 2


class PostgresSearchBackend(BaseSearchBackend, SearchEngine):
    """The contract's engine over this engine's tables in the database `DATABASE` (an alias
    of settings.DATABASES, "default" unless the connection options say otherwise)."""

    # Analysing documents (stage) needs no lock: an import's second process can do it.
    can_stage = True

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.database = connection_options.get("DATABASE", "default")
        self.setup_complete = False

    # --- set-up -----------------------------------------------------------------------------

    def _connection(self, alias: str | None = None):
        alias = alias or self.database
        connection = connections[alias]
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured(
                f"the PostgreSQL search engine needs a PostgreSQL database; the database "
                f"{alias!r} is {connection.vendor}"
            )
        return connection

    def _read_database(self) -> str:
        """Where a search reads: for the default database, wherever Django's routers send a
        read (a reader's request may read a replica of it: arshif/replicas.py, and then its
        articles come from the same replica); writes always go to `DATABASE` itself."""
        if self.database != DEFAULT_DB_ALIAS:
            return self.database
        return router.db_for_read(None) or self.database

    def setup(self) -> None:
        """Check that the database is PostgreSQL and holds this engine's tables."""
        with self._reading() as store:
            missing = store.missing_tables()
        if missing:
            raise ImproperlyConfigured(
                f"the PostgreSQL search engine's tables are missing ({', '.join(missing)}): "
                "run `manage.py migrate`"
            )
        self.setup_complete = True

    @contextmanager
    def _cursor(self, alias: str | None = None) -> Iterator[psycopg.Cursor]:
        """A psycopg cursor (server-side parameters) on the Django connection `alias` (default:
        `DATABASE`), in whatever transaction it is in."""
        connection = self._connection(alias)
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            yield cursor

    @contextmanager
    def _reading(self) -> Iterator[Store]:
        """The tables as of one snapshot: a read-only REPEATABLE READ transaction of our own,
        or the caller's transaction when one is open."""
        alias = self._read_database()
        connection = self._connection(alias)
        if connection.in_atomic_block:
            with self._cursor(alias) as cursor:
                yield Store(cursor)
            return
        with transaction.atomic(using=alias), self._cursor(alias) as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield Store(cursor)

    @contextmanager
    def _writing(self) -> Iterator[Store]:
        """One transaction (a savepoint in the caller's), holding the engine's write lock."""
        if not self.setup_complete:
            self.setup()
        with transaction.atomic(using=self.database), self._cursor() as cursor:
            store = Store(cursor)
            store.lock()
            yield store

    # --- writing ----------------------------------------------------------------------------

    def apply(
        self, documents: Sequence[IndexDocument], deleted: Sequence[int], *, merge: bool = True
    ) -> None:
        """Index `documents` and remove the articles `deleted`, in one transaction.

        A document given twice is indexed as its last version. `merge` changes nothing here:
        storage is reorganised by merge_idle() and autovacuum.
        """
        if not documents and not deleted:
            return
        self.add_staged(self.stage(documents), deleted)

    def stage(self, documents: Sequence[IndexDocument]) -> list[DocumentRows]:
        """Analyse `documents` into the rows add_staged() writes: the work of indexing that
        needs no lock (an import's second process does it on its own core)."""
        latest = {document.id: document for document in documents}
        return [rows_of(document) for document in latest.values()]

    def add_staged(self, staged: list[DocumentRows], deleted: Sequence[int]) -> None:
        """Write rows from stage() (replacing any version indexed meanwhile) and remove the
        articles `deleted`, in one transaction."""
        if not staged and not deleted:
            return
        with self._writing() as store:
            store.write(staged, list(deleted))

    def merge_idle(self, give_way: Callable[[], bool] | None = None) -> bool:
        """Do one piece of the storage's upkeep, if one is due; say whether it did.

        First a merge (blocks.merge_plan): batches of postings rewritten as one, dead postings
        dropped. Then VACUUM (ANALYZE) of the table that changed most, if enough of it changed
        since its last vacuum: PostgreSQL reorganises storage on its own (autovacuum), but only
        once a fifth of a table is new, and until then new rows are read from the table as
        well as from the index. The worker calls this when it has nothing to write. Inside a
        transaction nothing is done (a vacuum cannot run in one). `give_way` is asked before a
        merge starts; neither can be stopped part way.
        """
        if not self.setup_complete:
            self.setup()
        connection = self._connection()
        if connection.in_atomic_block:
            return False
        if give_way is None or not give_way():
            with transaction.atomic(using=self.database), self._cursor() as cursor:
                store = Store(cursor)
                # Not while another process writes (an import's): it would wait for it.
                plan = blocks.merge_plan(store.batches()) if store.try_lock() else []
                if plan:
                    store.merge(plan)
                    return True
        with self._cursor() as cursor:
            store = Store(cursor)
            for table, changed, live in store.changed_tables():
                if changed >= max(VACUUM_AFTER_ROWS, live * VACUUM_AFTER_SHARE):
                    store.vacuum(table)
                    return True
        return False

    def batches(self) -> list[tuple[int, int, int]]:
        """(batch, live documents, dead documents) of every batch of postings, oldest first."""
        with self._reading() as store:
            return store.batches()

    def clear(self, models=None, commit=True) -> None:
        """Remove every document. (haystack's signature; `models` and `commit` are ignored.)"""
        with self._writing() as store:
            store.clear()

    # --- reading ----------------------------------------------------------------------------

    def analysis_version(self) -> int | None:
        with self._reading() as store:
            return store.analysis_version()

    def count(self) -> int:
        with self._reading() as store:
            return store.count()

    def document_frequencies(self, forms: Sequence[str]) -> dict[str, int]:
        with self._reading() as store:
            held = store.lexicon(forms)
        return {form: held.get(form, 0) for form in forms}

    def fingerprints(self) -> dict[int, str | None]:
        with self._reading() as store:
            return store.fingerprints()

    def _cache_key(self) -> tuple:
        # The primary's, for its replicas too: a replica at a generation holds what the primary
        # held at it, so the columns warm_up() read serve both (a replica behind, at an older
        # generation, misses them and counts in SQL until it catches up).
        settings = self._connection().settings_dict
        return (self.database, settings["NAME"], settings["HOST"], settings["PORT"])

    def warm_up(self, facets: tuple[str, ...] = ()) -> None:
        """Read every document's date and facet values into the process (columns.py) if the
        index changed since they were last read, so that searches count in numpy."""
        if not self.setup_complete:
            self.setup()
        key = self._cache_key()
        with self._reading() as store:
            totals = store.totals()
            if CACHE.get(key, totals.generation) is not None:
                return
            ids, days = store.all_documents()
            members = {name: store.facet_members(name) for name in FACETS}
        CACHE.put(key, columns.build(totals.generation, ids, days, members))

    def search(self, request: SearchRequest) -> SearchHits:
        if not self.setup_complete:
            self.setup()
        parsed = request.query
        if parsed.is_empty and not request.match_all:
            return SearchHits(0, [], {name: [] for name in request.facets})
        filters = {name: values for name, values in request.filters.items() if values}
        key = self._cache_key()
        with self._reading() as store:
            totals = store.totals()
            held = CACHE.get(key, totals.generation)  # None: not read for this generation
            if parsed.is_empty:
                return self._browse(store, held, request, filters)
            return self._search(store, held, totals, request, filters)

    def _browse(
        self, store: Store, held: Columns | None, request: SearchRequest, filters
    ) -> SearchHits:
        """An empty query with match_all: every document matches, unscored (a page of them
        is in date order)."""
        if held is not None:
            matched = _in_range(held.days, request)
            allowed, facets = _counted(held, matched, filters, request.facets)
            total = int(allowed.sum())
            ids: list[int] = []
            if total and request.limit != 0:
                unscored = np.zeros(len(held.ids), dtype=np.float32)
                page = ranked(held.days, held.ids, allowed, unscored, *_paging(request))
                ids = held.ids[page].tolist()
            return SearchHits(
                total, ids, facets, None, _months(held.days[allowed]), [0.0] * len(ids)
            )
        if any(name not in FACETS for name in filters):
            # A filter on a facet no document has: nothing passes it.
            return SearchHits(0, [], {name: [] for name in request.facets})
        total, months = store.month_counts(filters, request.day_from, request.day_to)
        facets = self._facets(
            store, request.facets, filters, day_from=request.day_from, day_to=request.day_to
        )
        ids = []
        if total and request.limit != 0:
            ids = store.listing(filters, request.day_from, request.day_to, *_paging(request))
        return SearchHits(total, ids, facets, None, months, [0.0] * len(ids))

    def _search(
        self, store: Store, held: Columns | None, totals, request: SearchRequest, filters
    ) -> SearchHits:
        parsed = request.query
        found = Evaluator(store, totals, held).evaluate(parsed)
        days = found.days
        matched = found.matched & _in_range(days, request)
        matches = found.ids[matched]

        # A facet is counted over the documents passing every filter except its own, so a
        # reader can widen a choice as well as narrow it.
        if held is not None:
            where = held.at(found.ids)
            everywhere = np.zeros(len(held.ids), dtype=bool)
            everywhere[where[matched]] = True
            allowed_everywhere, facets = _counted(held, everywhere, filters, request.facets)
            allowed = allowed_everywhere[where]
        else:
            allowed = matched.copy()
            if filters and any(name not in FACETS for name in filters):
                allowed[:] = False
            elif filters and len(matches):
                at = np.flatnonzero(matched)
                for passing in store.filter_flags(matches, filters).values():
                    allowed[at[~passing]] = False
            if any(name not in FACETS for name in filters) or not len(matches):
                facets = {name: [] for name in request.facets}
            else:
                facets = self._facets(store, request.facets, filters, ids=matches)

        total = int(allowed.sum())
        ids: list[int] = []
        page_scores: list[float] = []
        if total and request.limit != 0:
            page = ranked(
                days, found.ids, allowed, found.scores, request.sort, request.offset, request.limit
            )
            ids = found.ids[page].tolist()
            page_scores = found.scores[page].tolist()
        suggestion = self._suggest(store, parsed) if not total else None
        months = _months(days[allowed])
        return SearchHits(
            total, ids, facets, suggestion, months, page_scores, found.capped_prefixes
        )

    @staticmethod
    def _facets(store: Store, names, filters, **among) -> dict[str, list[tuple[str, int]]]:
        counted = [name for name in names if name in FACETS]
        facets = {name: [] for name in names}
        if counted:
            facets.update(store.facet_counts(counted, filters, **among))
        return facets

    # --- suggestions --------------------------------------------------------------------------

    def suggest(self, query: ParsedQuery) -> str | None:
        if not self.setup_complete:
            self.setup()
        with self._reading() as store:
            return self._suggest(store, query)

    def _suggest(self, store: Store, parsed: ParsedQuery) -> str | None:
        """A corrected query when this one found nothing: each unknown word → its nearest term."""
        checked = [
            word.exact
            for clause in parsed.positive_clauses()
            if clause.kind != "prefix"
            for word in clause.words
        ]
        known = store.lexicon(checked)
        changed = False
        parts = []
        for group in parsed.groups:
            alternatives = []
            for clause in group:
                words = []
                for word in clause.words:
                    replacement = word.original
                    if clause.kind != "prefix" and not known.get(word.exact):
                        found = _nearest(store, word.exact)
                        if found:
                            replacement, changed = found, True
                    words.append(replacement)
                alternatives.append(clause.written(words))
            parts.append(" OR ".join(alternatives))
        return " ".join(parts) if changed else None


def _nearest(store: Store, word: str) -> str | None:
    """The held exact form closest to `word` (same first letter, at most two edits, a
    transposition counting as one), the one in most documents among equally close, then the
    highest in code-point order; None if none."""
    if not word:
        return None
    held = dict(store.near_terms(word, MAX_SUGGESTION_DISTANCE))
    held.pop(word, None)
    if not held:
        return None
    distance_of = {
        term: distance
        for term, distance, _ in process.extract(
            word,
            list(held),
            scorer=DamerauLevenshtein.distance,
            score_cutoff=MAX_SUGGESTION_DISTANCE,
            limit=None,
        )
    }
    if not distance_of:
        return None
    closest = min(distance_of.values())
    nearest = [term for term, distance in distance_of.items() if distance == closest]
    return max(nearest, key=lambda term: (held[term], term))


def _paging(request: SearchRequest) -> tuple[str, int, int | None]:
    return request.sort, request.offset, request.limit


def _in_range(days: np.ndarray, request: SearchRequest) -> np.ndarray:
    """Which of these dates the request's date range takes (any range leaves out the unknown
    date, 0)."""
    if request.day_from is None and request.day_to is None:
        return np.ones(len(days), dtype=bool)
    return (days >= (request.day_from or 1)) & (days <= (request.day_to or UNKNOWN_DAY_LAST))


def _counted(
    held: Columns, matched: np.ndarray, filters: dict[str, list[str]], names
) -> tuple[np.ndarray, dict[str, list[tuple[str, int]]]]:
    """(the matches passing every filter, each facet of `names` counted over the matches
    passing every filter but its own), over the held columns."""
    having = {name: held.having(name, values) for name, values in filters.items()}
    allowed = matched.copy()
    for mask in having.values():
        allowed &= mask
    facets = {}
    for name in names:
        among = allowed
        if name in having:
            among = matched.copy()
            for other, mask in having.items():
                if other != name:
                    among &= mask
        facets[name] = held.count(name, among)
    return allowed, facets


def _months(days: np.ndarray) -> dict[int, int]:
    """Documents with a known date per YYYYMM."""
    days = days[days > 0]
    months, counts = np.unique(days // 100, return_counts=True)
    return {int(m): int(c) for m, c in zip(months, counts, strict=True)}


class PostgresEngine(BaseEngine):
    backend = PostgresSearchBackend
    query = BaseSearchQuery
