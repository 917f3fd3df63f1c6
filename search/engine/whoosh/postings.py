"""Whoosh postings as numpy arrays: what each segment holds (Segment); index_view.py sees a
searcher's whole index through them (IndexView).

Whoosh scores a query by walking a tree of matchers in pure Python, one posting at a time. A
common word has ~8k postings at 10k articles, and each query word here is a union of its
alternative stems in the body and title, its exact form and the names of the entities it names:
hundreds of milliseconds per query, before facets. Here each posting list is read once into
arrays (document numbers, term frequencies) and a query becomes a few vectorised operations on
arrays as long as the index: unions, intersections, BM25, phrase positions, date ranges, facet
counts (one bincount each) and the top of the ranking. This module reads the arrays; what a
query makes of them (matching, scoring, ranking) is evaluate.py's.

Whoosh never changes a segment once written (merging writes a new one), so everything read from
a segment is cached under its id and survives searcher refreshes; only deletions change, and the
mask of live documents is rebuilt from them for every new searcher. After a commit, only the new
segment is read.

This module is the Whoosh engine's own business (backend.py); nothing outside it sees Whoosh.
"""

from __future__ import annotations

import pickle
import sys
import threading
from collections.abc import Callable
from itertools import chain

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from search.engine.ordering import UNKNOWN_DAY_LAST

# Posting lists and prefix expansions read from segments, kept per process (all segments
# together: a budget per segment grew with their number, to gigabytes at 100k articles), least
# recently used dropped first; the Zipfian vocabulary of queries keeps the ones that matter.
# With the view's (index_view.py) 136 MB in all: at 100k articles in 57 segments, 128 MB made
# the bench's query mix miss (phrases p95 709 ms instead of 50) and 176 MB took a web worker
# past 500 MB, when a posting took 12 bytes; it takes 8 now.
MAX_CACHED_BYTES = 104 * 2**20
# A term's positions in a segment are kept whole when it holds about this many or fewer (2 MB;
# estimated from its document frequency): a phrase of it then reads nothing the next time.
MAX_KEPT_POSITIONS = 250_000
POSITIONS_PER_DOCUMENT = 4
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_SEGMENT_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_TF = np.zeros(0, dtype=np.float32)


def posting_arrays(matcher) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of a fresh leaf matcher, read a block at a time."""
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    if isinstance(matcher, W3LeafMatcher):
        # Whoosh's own blocks, decoded with numpy instead of a Python call per posting.
        while matcher.is_active():
            ids.append(_block_ids(matcher))
            weights.append(_block_weights(matcher))
            matcher._next_block()
    else:
        found_ids, found_weights = [], []
        while matcher.is_active():
            found_ids.append(matcher.id())
            found_weights.append(matcher.weight())
            matcher.next()
        ids.append(np.asarray(found_ids, dtype=np.int64))
        weights.append(np.asarray(found_weights, dtype=np.float32))
    if not ids:
        return _EMPTY_IDS, _EMPTY_TF
    return np.concatenate(ids), np.concatenate(weights)


def _block_ids(matcher: W3LeafMatcher) -> np.ndarray:
    """The current block's document numbers (what W3LeafMatcher._read_ids computes)."""
    if matcher._data is None:
        matcher._read_data()
    ids = np.asarray(matcher._data[0], dtype=np.int64)
    # Stored as deltas from the previous number, the first from zero.
    return ids if matcher._byteids else np.cumsum(ids)


def _block_weights(matcher: W3LeafMatcher) -> np.ndarray:
    """The current block's weights (what W3LeafMatcher._read_weights computes)."""
    if matcher._data is None:
        matcher._read_data()
    weights = matcher._data[1]
    if weights is None:
        return np.ones(matcher._blocklength, dtype=np.float32)
    if isinstance(weights, float):
        return np.full(matcher._blocklength, weights, dtype=np.float32)
    return np.asarray(weights, dtype=np.float32)


def posting_ids(matcher) -> np.ndarray:
    """Document numbers of a fresh leaf matcher (facet values: no weights to decode)."""
    if not isinstance(matcher, W3LeafMatcher):
        return posting_arrays(matcher)[0]
    ids: list[np.ndarray] = []
    while matcher.is_active():
        ids.append(_block_ids(matcher))
        matcher._next_block()
    return np.concatenate(ids) if ids else _EMPTY_IDS


def fixed_column(column_reader, doc_count: int) -> np.ndarray | None:
    """A Whoosh fixed-width numeric column as an array, straight from its bytes; None when the
    reader is not one (the caller then iterates it)."""
    try:
        typecode, count, width = (
            column_reader._typecode,
            column_reader._count,
            column_reader._fixedlen,
        )
        raw = column_reader._dbfile.get(column_reader._basepos, count * width)
    except AttributeError:
        return None
    values = np.frombuffer(raw, dtype=np.dtype(">" + typecode)).astype(np.int64)
    if count < doc_count:  # documents after the last one with a value: the column's default
        values = np.concatenate([values, np.full(doc_count - count, column_reader._default)])
    return values


# Whoosh stores a field length as one byte (a lossy log scale); this is its decoding table.
_LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


def position_keys(matcher, decode: Callable[[bytes], list[int]]) -> np.ndarray:
    """Every (document, position) of a fresh leaf matcher as one sorted int64: doc << 32 | pos."""
    keys: list[np.ndarray] = []
    while matcher.is_active():
        doc = matcher.id()
        positions = np.asarray(decode(matcher.value()), dtype=np.int64)
        keys.append((doc << 32) | positions)
        matcher.next()
    return np.concatenate(keys) if keys else _EMPTY_IDS


def _deltas(value: bytes) -> list[int]:
    """A Positions value's deltas (Whoosh's decode_positions without its Python loop: the
    positions are summed up with numpy)."""
    # The count (4 bytes), then the pickled list; Whoosh may have dropped the pickle's STOP.
    return pickle.loads(value[4:] if value[-1:] == b"." else value[4:] + b".")


def _size(value) -> int:
    """About how many bytes a cached value holds (the measure of the caches' limits)."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, tuple) and value and isinstance(value[0], np.ndarray):
        return sum(part.nbytes for part in value)
    if isinstance(value, tuple):  # terms (a prefix's expansion)
        return sum(60 + 2 * len(term) for term in value) + 64
    return 64


class _Lru(dict):
    """A dict that forgets its least recently used entries beyond `limit` bytes in all (at
    least the newest entry is kept)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit
        self.held = 0

    def get_or(self, key, compute):
        try:
            value = self.pop(key)
            self.held -= _size(value)
        except KeyError:
            value = compute()
        self[key] = value
        self.held += _size(value)
        while self.held > self.limit and len(self) > 1:
            oldest = next(iter(self))
            self.held -= _size(self.pop(oldest))
        return value


_CACHE = _Lru(MAX_CACHED_BYTES)
_CACHE_LOCK = threading.Lock()


def cached(key: str, field: str, text: str) -> bool:
    """Whether the process cache holds a segment's posting list of a term."""
    with _CACHE_LOCK:
        return (key, field, text) in _CACHE


def forget_segment(key: str) -> None:
    """Drop what the process cache holds of a segment merged away."""
    with _CACHE_LOCK:
        for entry in [entry for entry in _CACHE if entry[0] == key]:
            _CACHE.held -= _size(_CACHE.pop(entry))


class Segment:
    """What has been read from one (immutable) segment, in its own document numbers (its
    posting lists in the process cache, the rest here)."""

    def __init__(self, key: str, doc_count: int):
        self.key = key
        self.doc_count = doc_count
        self.lock = threading.Lock()
        # field → first letter → the segment's terms starting with it (spelling suggestions)
        self.vocabulary: dict[str, dict[str, tuple[str, ...]]] = {}
        self.lengths: dict[str, np.ndarray] = {}
        self.days: np.ndarray | None = None
        self.ids: np.ndarray | None = None
        # facet → (values, document of each (document, value) pair, value index of each pair)
        self.facets: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}

    def term(self, reader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, weights) of a term in this segment: int32 and float32, 8 bytes a
        posting, so the process cache holds half as many again as with int64 numbers."""

        def read():
            try:
                ids, weights = posting_arrays(_unfiltered(reader.postings(field, text)))
            except TermNotFound:
                return _EMPTY_SEGMENT_IDS, _EMPTY_TF
            return ids.astype(np.int32), weights

        with _CACHE_LOCK:
            return _CACHE.get_or((self.key, field, text), read)

    def doc_frequency(self, reader, field: str, text: str) -> int:
        """How many of the segment's documents have the term (deleted ones included), kept:
        each look-up reads the segment's term table from disk (25 µs or more a segment, a
        term: 20-60 ms for related articles' 60 words in 14 segments at 100k articles)."""
        with _CACHE_LOCK:
            return _CACHE.get_or(
                (self.key, field, text, "#"), lambda: reader.doc_frequency(field, text)
            )

    def expand_prefix(self, reader, field: str, prefix: str) -> tuple[str, ...]:
        """This segment's terms starting with `prefix` (its own lexicon: no merge across)."""

        def read():
            terms = reader.expand_prefix(field, prefix)
            return tuple(t.decode("utf-8") if isinstance(t, bytes) else t for t in terms)

        with _CACHE_LOCK:
            return _CACHE.get_or((self.key, field, prefix, "*"), read)

    def terms_starting(self, reader, field: str, letter: str) -> tuple[str, ...]:
        """The segment's terms starting with `letter` (spelling suggestions), kept.

        Read a letter at a time, as suggestions need them, and interned: the segments of an
        index share most of their words, and a list of every segment's whole lexicon took a
        web worker 80 MB at 100k articles (14 segments), more before merging."""
        with self.lock:
            by_first = self.vocabulary.setdefault(field, {})
            if letter not in by_first:
                found: tuple[str, ...] = ()
                if field in reader.indexed_field_names():
                    found = tuple(
                        sys.intern(term.decode("utf-8") if isinstance(term, bytes) else term)
                        for term in reader.expand_prefix(field, letter)
                    )
                by_first[letter] = found
            return by_first[letter]

    def term_positions_among(self, reader, field: str, text: str, wanted: np.ndarray) -> np.ndarray:
        """term_positions, only in the documents `wanted` (a mask of this segment's documents).

        A phrase needs the positions of its words only in the documents that hold every word
        (and, word after word, in those where the phrase so far was found). Reading a common
        word's positions whole costs a Python call per document holding it (tens of thousands
        at 100k articles) and would push everything else out of the cache: here a block's
        positions are decoded only for the wanted documents in it, and not kept.
        """
        key = (self.key, field, text, "@")
        with _CACHE_LOCK:
            keys = _CACHE.get(key)
        if keys is not None:
            with _CACHE_LOCK:
                _CACHE.get_or(key, lambda: keys)  # most recently used
            return keys[wanted[keys >> 32]]
        try:
            matcher = _unfiltered(reader.postings(field, text))
        except TermNotFound:
            return _EMPTY_IDS
        if not isinstance(matcher, W3LeafMatcher):
            keys = position_keys(matcher, matcher.format.decode_positions)
            return keys[wanted[keys >> 32]]
        # A term in few enough documents is read whole once and kept (the next phrase with it
        # reads nothing); a common one, only where wanted, each time.
        whole = reader.doc_frequency(field, text) * POSITIONS_PER_DOCUMENT <= MAX_KEPT_POSITIONS
        if whole:
            keys = self._positions(matcher, np.ones(self.doc_count, dtype=bool))
            with _CACHE_LOCK:
                _CACHE.get_or(key, lambda: keys)
            return keys[wanted[keys >> 32]]
        return self._positions(matcher, wanted)

    @staticmethod
    def _positions(matcher, wanted: np.ndarray) -> np.ndarray:
        docs: list[int] = []
        found: list[list[int]] = []  # each document's position deltas (Positions.encode)
        while matcher.is_active():
            ids = _block_ids(matcher)
            chosen = np.flatnonzero(wanted[ids])
            if len(chosen):
                matcher._read_values()
                values = matcher._values
                for i in chosen.tolist():
                    docs.append(int(ids[i]))
                    found.append(_deltas(values[i]))
            matcher._next_block()
        if not docs:
            return _EMPTY_IDS
        counts = np.fromiter(map(len, found), dtype=np.int64, count=len(found))
        deltas = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=int(counts.sum()))
        # Positions from the deltas in one pass: a running sum, less the sum before each
        # document's first delta.
        running = np.cumsum(deltas)
        before = np.concatenate(([0], running))[np.cumsum(counts) - counts]
        positions = running - np.repeat(before, counts)
        return (np.repeat(np.asarray(docs, dtype=np.int64), counts) << 32) | positions

    def field_lengths(self, reader, field: str) -> np.ndarray:
        with self.lock:
            if field not in self.lengths:
                lengths = None
                perdoc = getattr(reader, "_perdoc", None)
                if perdoc is not None and perdoc.has_column(_lenfield(field)):
                    column = fixed_column(
                        perdoc.column_reader(_lenfield(field), LENGTHS_COLUMN), self.doc_count
                    )
                    if column is not None:
                        lengths = _LENGTH_OF_BYTE[column]
                if lengths is None:
                    lengths = np.fromiter(
                        (reader.doc_field_length(d, field, 0) or 0 for d in range(self.doc_count)),
                        dtype=np.float32,
                        count=self.doc_count,
                    )
                self.lengths[field] = lengths
            return self.lengths[field]

    def day_column(self, reader, field: str) -> np.ndarray:
        with self.lock:
            if self.days is None:
                if reader.has_column(field):
                    column = reader.column_reader(field, translate=False)
                    days = fixed_column(column, self.doc_count)
                    if days is None:
                        days = np.fromiter(column, dtype=np.int64, count=self.doc_count)
                    # A document without the value holds the column's default: unknown.
                    days[(days < 0) | (days > UNKNOWN_DAY_LAST)] = 0
                    self.days = days
                else:
                    self.days = np.zeros(self.doc_count, dtype=np.int64)
            return self.days

    def article_ids(self, reader, field: str) -> np.ndarray:
        """The article id of each document (stored as text), for ties and the result list."""
        with self.lock:
            if self.ids is None:
                stored = reader.stored_fields
                self.ids = np.fromiter(
                    (int(stored(d)[field]) for d in range(self.doc_count)),
                    dtype=np.int64,
                    count=self.doc_count,
                )
            return self.ids

    def facet(self, reader, field: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        with self.lock:
            if field not in self.facets:
                values: list[str] = []
                docs: list[np.ndarray] = []
                if field in reader.indexed_field_names():
                    for term in reader.lexicon(field):
                        ids = posting_ids(_unfiltered(reader.postings(field, term)))
                        docs.append(ids)
                        values.append(term.decode("utf-8"))
                # int32 (a segment holds fewer than 2**31 documents, a facet fewer values):
                # kept for the segment's life beside the index-wide arrays built from them.
                pair_doc = np.concatenate(docs).astype(np.int32) if docs else _EMPTY_IDS
                pair_value = np.repeat(
                    np.arange(len(values), dtype=np.int32), [len(ids) for ids in docs]
                )
                self.facets[field] = (values, pair_doc, pair_value)
            return self.facets[field]


def _unfiltered(matcher):
    """The segment's postings including deleted documents: they are cached for the segment's
    life, while deletions change with every commit and are applied as the view's live mask."""
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher
