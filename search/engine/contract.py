"""The search engine contract: what the service and the index writer ask of any engine.

An engine answers a `SearchRequest` with `SearchHits` and applies the index writer's batches of
`IndexDocument`s and deletions. It never sees a model, a request or a template: the service
(`search.service`) turns a reader's parameters into a request and the hits into a page, and the
index writer (`search.indexing`) turns articles into documents. Every engine passes the one
conformance suite, `tests/engine/`, unchanged.

Analysis is the engine's own business, but every engine must agree with `search.analysis` on
what a word is: queries arrive parsed (`ParsedQuery`: normalised words, their stems, phrases,
prefixes, exclusions and the gazetteer entities a clause names), and documents arrive as text.
"""

from __future__ import annotations

import abc
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from search.analysis.query import ParsedQuery

# Every facet, in display order (the JSON API's `facets` keys and filter parameters).
FACETS = ("source", "section", "language", "year", "place", "person", "org", "tag")
ENTITY_FACETS = ("place", "person", "org")
SORTS = ("relevance", "newest", "oldest")
# Relevance (SearchEngine): BM25's k1 and b, and how a word weighs in the title, in its exact
# form and as the tag of an entity it names, against its stems in the text.
K1 = 1.2
B = 0.75
TITLE_BOOST = 2.0
EXACT_BOOST = 1.5
ALIAS_BOOST = 0.5
# A prefix clause matches at most this many exact forms: those in the most documents (ties by
# form). One short prefix would otherwise read the postings of a large part of the lexicon.
MAX_PREFIX_TERMS = 2000
# A date as the integer YYYYMMDD; 0 when unknown (sorted after every known date by `newest`).
UNKNOWN_DAY = 0


def day_number(value) -> int:
    """YYYYMMDD of a date (0 for None): sortable, and a date range is an integer range."""
    return value.year * 10000 + value.month * 100 + value.day if value else 0


@dataclass(frozen=True)
class IndexDocument:
    """What an engine indexes for one article (built from the database by search.indexing)."""

    id: int
    title: str
    # Title, standfirst, captions and body: the text a search matches (and that is tagged).
    text: str
    # Facet name (FACETS) → the article's values, verbatim: filters and counts use them as is.
    facets: dict[str, list[str]]
    day: int = UNKNOWN_DAY  # publication date as YYYYMMDD


def fingerprint(document: IndexDocument) -> str:
    """A digest of everything a document holds: an engine stores it with the document
    (SearchEngine.fingerprints), so `manage.py check_index` can tell an indexed document that
    differs from what its article makes now without comparing the texts themselves."""
    held = [
        document.id,
        document.title,
        document.text,
        [list(document.facets.get(name, ())) for name in FACETS],
        document.day,
    ]
    encoded = json.dumps(held, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.blake2b(encoded, digest_size=16).hexdigest()


class IndexUnavailable(Exception):
    """The index cannot be read (deleted or damaged files, missing tables): the message says
    what is wrong; `manage.py check_index --repair` rebuilds it from the database."""


@dataclass
class SearchRequest:
    """An engine-neutral search: what to match, how to narrow, sort and page it."""

    query: ParsedQuery
    filters: dict[str, list[str]] = field(default_factory=dict)  # OR within, AND across
    day_from: int | None = None  # YYYYMMDD, inclusive
    day_to: int | None = None
    sort: str = "relevance"  # relevance | newest | oldest
    offset: int = 0
    limit: int | None = 20  # None: every match (exports, re-tagging)
    facets: tuple[str, ...] = ()
    # With an empty query: every document matches, unscored (a browse: its facets, timeline
    # and, unless limit is 0, a page in date order), instead of none.
    match_all: bool = False


@dataclass
class SearchHits:
    total: int
    ids: list[int]
    # Facet name → [(value, count)], most frequent first, ties by value. Each facet is counted
    # with every filter applied except its own, so a reader can widen a choice as well as
    # narrow it.
    facets: dict[str, list[tuple[str, int]]]
    # A corrected query when this one matched nothing (SearchEngine.suggest).
    suggestion: str | None = None
    # Matches with a known date per month (YYYYMM → count), for the timeline.
    months: dict[int, int] = field(default_factory=dict)
    # The relevance score of each of `ids` (BM25 as SearchEngine describes; 0 without words).
    scores: list[float] = field(default_factory=list)
    # The prefixes (a prefix clause's normalised word) that matched more than MAX_PREFIX_TERMS
    # forms and were searched with only the MAX_PREFIX_TERMS most frequent ones.
    capped_prefixes: list[str] = field(default_factory=list)


class SearchEngine(abc.ABC):
    """The operations every engine provides.

    Ranking (`sort="relevance"`) is BM25 (k1=1.2, b=0.75) over the stemmed text and the title
    (weighted 2), plus the exact, unstemmed form of each word (weighted 1.5) and, at half
    weight, articles tagged with an entity a clause names (a tag scores as one occurrence in a
    text of average length: its idf). N, document frequencies and average lengths are those of
    the documents the index holds, not of deleted or replaced ones. A phrase matches its words
    adjacent and in order in the text (stopwords take no position, in documents as in queries)
    and scores the BM25 of its words in the stemmed text only; a prefix scores the BM25 of each
    exact form it expands to, unweighted. Orders, each fully determined:
    - relevance: score, then date (newest first, unknown last), then id, highest first;
    - newest: date (newest first, unknown last), then score, then id, highest first;
    - oldest: date (oldest first, unknown last), then score (highest first), then id, lowest
      first.
    """

    # An engine that can index a batch without the writer's lock (stage) and add it later
    # (add_staged) lets an import finish on two cores (search.indexing.alongside).
    can_stage = False

    @abc.abstractmethod
    def search(self, request: SearchRequest) -> SearchHits:
        """The matching ids (one page, in order), their count, facets and months."""

    @abc.abstractmethod
    def suggest(self, query: ParsedQuery) -> str | None:
        """A corrected query (each unknown word → its nearest indexed word), or None."""

    @abc.abstractmethod
    def apply(
        self, documents: Sequence[IndexDocument], deleted: Sequence[int], *, merge: bool = True
    ) -> None:
        """Index `documents` (replacing any earlier version) and remove the articles with ids
        `deleted`, as one change: a search sees all of it or none of it.

        merge=False: an import is under way; reorganising storage can wait for merge_idle().
        """

    @abc.abstractmethod
    def count(self) -> int:
        """How many documents the index holds."""

    @abc.abstractmethod
    def document_frequencies(self, forms: Sequence[str]) -> dict[str, int]:
        """How many documents hold each exact (normalised, unstemmed) form: every form asked
        for, 0 when none holds it. Cheap, from the index's term statistics, so it may still
        count documents deleted or replaced since storage was last reorganised. For weighing
        words by rarity (related articles), not for ranking."""

    @abc.abstractmethod
    def fingerprints(self) -> dict[int, str | None]:
        """Every document held: its id → the fingerprint() of the IndexDocument it was
        indexed from (None when the index does not know it: indexed before fingerprints were
        recorded). Raises IndexUnavailable when the index cannot be read."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove every document (the index is then rebuilt from the database).

        The emptied index is then one of the current ANALYSIS_VERSION (analysis_version)."""

    def analysis_version(self) -> int | None:
        """The `search.analysis.ANALYSIS_VERSION` the index's documents were analysed with:
        the current one for a new or emptied index; None if unknown (an index from before
        versions were recorded). `manage.py sync_index` rebuilds an index whose version is
        not the current one, so an engine that indexes analysed text must record it."""
        return None

    def warm_up(self, facets: tuple[str, ...] = ()) -> None:  # noqa: B027  (optional)
        """Read ahead what searches will need, so no reader waits for it."""

    def stage(self, documents: Sequence[IndexDocument]) -> object:
        """Index `documents` aside, without taking the writer's place (only if can_stage)."""
        raise NotImplementedError

    def add_staged(self, staged: object, deleted: Sequence[int]) -> None:
        """Add what stage() prepared and remove the articles `deleted`, as one change."""
        raise NotImplementedError

    def merge_idle(self, give_way: Callable[[], bool] | None = None) -> bool:
        """Reorganise storage if due, when nothing else is to be written; say whether it did.

        `give_way`, asked now and then, abandons the work when it returns True.
        """
        return False
