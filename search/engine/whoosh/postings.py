"""Whoosh postings as numpy arrays: what each segment holds (Segment), and a searcher's whole
index seen through them (IndexView).

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

import threading
from collections.abc import Callable, Iterable

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from search.engine.ordering import UNKNOWN_DAY_LAST

# Postings (and positions) kept per segment, in array elements, least recently used dropped
# first: 2M postings are ~24 MB, and the Zipfian vocabulary of queries keeps the ones that matter.
MAX_CACHED_POSTINGS = 2_000_000
MAX_CACHED_POSITIONS = 2_000_000
MAX_CACHED_PREFIXES = 2_000_000  # expanded terms
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
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


def _size(value) -> int:
    """How many array elements a cached value holds (the measure of the caches' limits)."""
    if isinstance(value, np.ndarray):
        return len(value)
    if isinstance(value, tuple) and value and isinstance(value[0], np.ndarray):
        return len(value[0])
    return len(value) if hasattr(value, "__len__") else 1


class _Lru(dict):
    """A dict that forgets its least recently used entries beyond `limit` array elements in
    all (at least the newest entry is kept)."""

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


class Segment:
    """What has been read from one (immutable) segment, in its own document numbers."""

    def __init__(self, key: str, doc_count: int):
        self.key = key
        self.doc_count = doc_count
        self.lock = threading.Lock()
        self.postings = _Lru(MAX_CACHED_POSTINGS)
        self.positions = _Lru(MAX_CACHED_POSITIONS)
        self.prefixes = _Lru(MAX_CACHED_PREFIXES)
        # field → first letter → the segment's terms starting with it (spelling suggestions)
        self.vocabulary: dict[str, dict[str, list[str]]] = {}
        self.lengths: dict[str, np.ndarray] = {}
        self.days: np.ndarray | None = None
        self.ids: np.ndarray | None = None
        # facet → (values, document of each (document, value) pair, value index of each pair)
        self.facets: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}

    def term(self, reader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        def read():
            try:
                return posting_arrays(_unfiltered(reader.postings(field, text)))
            except TermNotFound:
                return _EMPTY_IDS, _EMPTY_TF

        with self.lock:
            return self.postings.get_or((field, text), read)

    def expand_prefix(self, reader, field: str, prefix: str) -> tuple[str, ...]:
        """This segment's terms starting with `prefix` (its own lexicon: no merge across)."""

        def read():
            terms = reader.expand_prefix(field, prefix)
            return tuple(t.decode("utf-8") if isinstance(t, bytes) else t for t in terms)

        with self.lock:
            return self.prefixes.get_or((field, prefix), read)

    def terms_by_first_letter(self, reader, field: str) -> dict[str, list[str]]:
        with self.lock:
            if field not in self.vocabulary:
                by_first: dict[str, list[str]] = {}
                if field in reader.indexed_field_names():
                    for term in reader.lexicon(field):
                        text = term.decode("utf-8")
                        by_first.setdefault(text[:1], []).append(text)
                self.vocabulary[field] = by_first
            return self.vocabulary[field]

    def term_positions(self, reader, field: str, text: str) -> np.ndarray:
        def read():
            try:
                matcher = _unfiltered(reader.postings(field, text))
            except TermNotFound:
                return _EMPTY_IDS
            return position_keys(matcher, matcher.format.decode_positions)

        with self.lock:
            return self.positions.get_or((field, text), read)

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
                pair_doc = np.concatenate(docs) if docs else _EMPTY_IDS
                pair_value = np.repeat(
                    np.arange(len(values), dtype=np.int64), [len(ids) for ids in docs]
                )
                self.facets[field] = (values, pair_doc, pair_value)
            return self.facets[field]


def _unfiltered(matcher):
    """The segment's postings including deleted documents: they are cached for the segment's
    life, while deletions change with every commit and are applied as the view's live mask."""
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def _segment_key(reader) -> str:
    segment = reader.segment() if hasattr(reader, "segment") else None
    # An empty index has a reader without a segment; it has nothing to cache either.
    return segment.segment_id() if segment is not None else f"reader-{id(reader)}"


class IndexView:
    """One searcher's documents as arrays: live mask, dates, lengths, facets, postings.

    `segments` is the engine's cache of segments, shared between successive views; the view
    adds the segments it reads and the engine drops the ones no longer in the index.
    """

    def __init__(self, searcher, segments: dict[str, Segment], day_field: str, id_field: str):
        self.searcher = searcher
        reader = searcher.reader()
        self.leaves: list[tuple[Segment, object, int]] = []
        for leaf, offset in reader.leaf_readers():
            key = _segment_key(leaf)
            segment = segments.get(key)
            if segment is None:
                segment = segments[key] = Segment(key, leaf.doc_count_all())
            self.leaves.append((segment, leaf, offset))
        self.size = reader.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        for segment, leaf, offset in self.leaves:
            if leaf.has_deletions():
                self.live[offset : offset + segment.doc_count] = False
                kept = np.fromiter(leaf.all_doc_ids(), dtype=np.int64)
                self.live[kept + offset] = True
        self.live_count = int(self.live.sum())
        self._day_field = day_field
        self._days: np.ndarray | None = None
        self._id_field = id_field
        self._ids: np.ndarray | None = None
        self._lengths: dict[str, tuple[np.ndarray, float]] = {}
        self._facets: dict[str, tuple[list[str], dict[str, int], np.ndarray, np.ndarray]] = {}
        # Whole-index posting lists: concatenations of the segments' (kept by them), bounded.
        self._terms = _Lru(MAX_CACHED_POSTINGS)
        self._lock = threading.Lock()

    def segment_keys(self) -> set[str]:
        return {segment.key for segment, _, _ in self.leaves}

    # --- columns ------------------------------------------------------------------------------

    def days(self) -> np.ndarray:
        if self._days is None:
            parts = [seg.day_column(leaf, self._day_field) for seg, leaf, _ in self.leaves]
            self._days = np.concatenate(parts) if parts else _EMPTY_IDS
        return self._days

    def article_ids(self) -> np.ndarray:
        if self._ids is None:
            parts = [seg.article_ids(leaf, self._id_field) for seg, leaf, _ in self.leaves]
            self._ids = np.concatenate(parts) if parts else _EMPTY_IDS
        return self._ids

    def lengths(self, field: str) -> tuple[np.ndarray, float]:
        """Each document's length in `field`, and the average over the index."""
        if field not in self._lengths:
            parts = [seg.field_lengths(leaf, field) for seg, leaf, _ in self.leaves]
            lengths = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
            live = lengths[self.live]
            average = float(live.mean()) if len(live) else 1.0
            self._lengths[field] = (lengths, average or 1.0)
        return self._lengths[field]

    def term(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, weights) of a term over the whole index."""

        def read():
            ids, weights = [], []
            for seg, leaf, offset in self.leaves:
                seg_ids, seg_weights = seg.term(leaf, field, text)
                if len(seg_ids):
                    ids.append(seg_ids + offset)
                    weights.append(seg_weights)
            if not ids:
                return _EMPTY_IDS, _EMPTY_TF
            if len(ids) == 1:
                return ids[0], weights[0]
            return np.concatenate(ids), np.concatenate(weights)

        with self._lock:
            return self._terms.get_or((field, text), read)

    def expand_prefix(self, field: str, prefix: str) -> list[str]:
        """Every term of `field` starting with `prefix`, in any segment."""
        terms: dict[str, None] = {}
        for seg, leaf, _ in self.leaves:
            terms.update(dict.fromkeys(seg.expand_prefix(leaf, field, prefix)))
        return list(terms)

    def nearest_term(self, field: str, word: str, max_distance: int = 2) -> str | None:
        """The indexed term closest to `word` (same first letter, at most `max_distance` edits,
        a transposition counting as one), the most frequent among equally close; None if none.

        For "did you mean": Whoosh's corrector walks the lexicon in Python (~250 ms at 10k
        articles) and ranks by frequency alone, so a far common word beat a near one.
        """
        if not word:
            return None
        distance_of: dict[str, int] = {}
        for seg, leaf, _ in self.leaves:
            choices = seg.terms_by_first_letter(leaf, field).get(word[0], ())
            for term, distance, _ in process.extract(
                word,
                choices,
                scorer=DamerauLevenshtein.distance,
                score_cutoff=max_distance,
                limit=None,
            ):
                if term != word:
                    distance_of[term] = min(distance, distance_of.get(term, max_distance))
        if not distance_of:
            return None
        closest = min(distance_of.values())
        nearest = [term for term, distance in distance_of.items() if distance == closest]
        # Frequency in live documents: a term only deleted articles held would find nothing.
        live = {term: int(self.live[self.term(field, term)[0]].sum()) for term in nearest}
        best = max(nearest, key=lambda term: (live[term], term))
        return best if live[best] else None

    def live_frequency(self, ids: np.ndarray) -> int:
        """How many of these documents are live: a term's document frequency for idf.

        Postings keep deleted documents (and earlier versions of replaced ones) until their
        segment is merged away; counted, they would make a score depend on the index's history
        rather than on what it holds, and change when storage is reorganised.
        """
        return int(np.count_nonzero(self.live[ids]))

    def doc_frequency(self, field: str, text: str) -> int:
        """How many documents have the term, from the index's term statistics (deleted ones
        included): cheaper than its posting list, for ordering many terms."""
        return self.searcher.reader().doc_frequency(field, text)

    def positions(self, field: str, text: str) -> np.ndarray:
        parts = []
        for seg, leaf, offset in self.leaves:
            keys = seg.term_positions(leaf, field, text)
            if len(keys):
                parts.append(keys + (offset << 32))
        return np.concatenate(parts) if parts else _EMPTY_IDS

    def facet(self, field: str) -> tuple[list[str], dict[str, int], np.ndarray, np.ndarray]:
        """(values, value → index, document of each pair, value index of each pair)."""
        if field not in self._facets:
            values: list[str] = []
            index: dict[str, int] = {}
            docs, codes = [], []
            for seg, leaf, offset in self.leaves:
                seg_values, pair_doc, pair_value = seg.facet(leaf, field)
                mapping = np.empty(len(seg_values), dtype=np.int64)
                for position, value in enumerate(seg_values):
                    if value not in index:
                        index[value] = len(values)
                        values.append(value)
                    mapping[position] = index[value]
                docs.append(pair_doc + offset)
                codes.append(mapping[pair_value] if len(pair_value) else pair_value)
            pair_doc = np.concatenate(docs) if docs else _EMPTY_IDS
            pair_value = np.concatenate(codes) if codes else _EMPTY_IDS
            self._facets[field] = (values, index, pair_doc, pair_value)
        return self._facets[field]

    def having(self, field: str, wanted: Iterable[str]) -> np.ndarray:
        """Mask of the documents with any of these facet values."""
        _, index, pair_doc, pair_value = self.facet(field)
        codes = [index[value] for value in wanted if value in index]
        mask = np.zeros(self.size, dtype=bool)
        if codes:
            mask[pair_doc[np.isin(pair_value, codes)]] = True
        return mask

    def count(self, field: str, among: np.ndarray) -> list[tuple[str, int]]:
        """(value, documents in `among` having it), most frequent first, then by value."""
        values, _, pair_doc, pair_value = self.facet(field)
        if not values:
            return []
        counts = np.bincount(pair_value[among[pair_doc]], minlength=len(values))
        found = np.flatnonzero(counts)
        return sorted(
            ((values[i], int(counts[i])) for i in found), key=lambda item: (-item[1], item[0])
        )

    def months(self, among: np.ndarray) -> dict[int, int]:
        """Documents in `among` with a known date, per YYYYMM."""
        days = self.days()[among]
        days = days[days > 0]
        months, counts = np.unique(days // 100, return_counts=True)
        return {int(m): int(c) for m, c in zip(months, counts, strict=True)}
