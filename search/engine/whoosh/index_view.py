"""A searcher's whole index as arrays (IndexView), through what postings.py reads from each
segment: live mask, dates, lengths, facets, posting lists and positions, concatenated with each
segment's offset. Counting facets and months over a mask of documents is here too.

This module is the Whoosh engine's own business (backend.py, evaluate.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from search.engine.whoosh.postings import _EMPTY_IDS, _EMPTY_TF, Segment, _Lru

# A view's whole-index posting lists (concatenations of the segments'), per searcher.
MAX_VIEW_TERMS_BYTES = 32 * 2**20


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
        # facet → (pairs of each document, where its pairs start), pairs in document order
        self._facet_rows: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._live_counts: dict[str, list[tuple[str, int]]] = {}
        self._live_months: dict[int, int] | None = None
        # Whole-index posting lists: concatenations of the segments' (kept by them), bounded.
        self._terms = _Lru(MAX_VIEW_TERMS_BYTES)
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
            choices = seg.terms_starting(leaf, field, word[0])
            for term, distance, _ in process.extract(
                word,
                choices,
                scorer=DamerauLevenshtein.distance,
                score_cutoff=max_distance,
                limit=None,
            ):
                if term != word:
                    distance_of[term] = min(distance, distance_of.get(term, max_distance))
        # Frequency in live documents: a term only deleted articles held (segments keep their
        # terms until merged away) would find nothing, and is no suggestion.
        live = {term: int(self.live[self.term(field, term)[0]].sum()) for term in distance_of}
        distance_of = {term: distance for term, distance in distance_of.items() if live[term]}
        if not distance_of:
            return None
        closest = min(distance_of.values())
        nearest = [term for term, distance in distance_of.items() if distance == closest]
        return max(nearest, key=lambda term: (live[term], term))

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
        return sum(seg.doc_frequency(leaf, field, text) for seg, leaf, _ in self.leaves)

    def positions_among(self, field: str, text: str, wanted: np.ndarray) -> np.ndarray:
        """Every (document, position) of a term in the documents of the mask `wanted`, as
        doc << 32 | pos (Segment.term_positions_among)."""
        parts = []
        for seg, leaf, offset in self.leaves:
            among = wanted[offset : offset + seg.doc_count]
            if not among.any():
                continue
            keys = seg.term_positions_among(leaf, field, text, among)
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
                docs.append(pair_doc.astype(np.int64) + offset)
                codes.append(mapping[pair_value] if len(pair_value) else pair_value)
            pair_doc = np.concatenate(docs) if docs else _EMPTY_IDS
            pair_value = np.concatenate(codes) if codes else _EMPTY_IDS
            # In document order, each document's pairs together (see count).
            order = np.argsort(pair_doc, kind="stable")
            # int32 (an index holds fewer than 2**31 documents): half the memory of a web
            # worker's largest arrays (tens of pairs an article in the entity facets).
            pair_doc = pair_doc[order].astype(np.int32)
            pair_value = pair_value[order].astype(np.int32)
            per_doc = np.bincount(pair_doc, minlength=self.size)
            self._facet_rows[field] = (per_doc, np.cumsum(per_doc) - per_doc)
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
        values, _, _, pair_value = self.facet(field)
        if not values:
            return []
        per_doc, starts = self._facet_rows[field]
        matched = np.count_nonzero(among)
        if matched * 8 < self.size:
            # Few documents: gather their pairs (pairs are in document order, each document's
            # together), rather than test every pair of the index.
            docs = np.flatnonzero(among)
            lengths = per_doc[docs]
            total = int(lengths.sum())
            first = np.cumsum(lengths) - lengths
            selected = pair_value[np.repeat(starts[docs] - first, lengths) + np.arange(total)]
        else:
            # Many: each document's yes or no repeated over its pairs (a sequential pass instead
            # of a random read per pair).
            selected = pair_value[np.repeat(among, per_doc)]
        counts = np.bincount(selected, minlength=len(values))
        found = np.flatnonzero(counts)
        return sorted(
            ((values[i], int(counts[i])) for i in found), key=lambda item: (-item[1], item[0])
        )

    def count_live(self, field: str) -> list[tuple[str, int]]:
        """count() over every live document, kept for the view's life (browsing everything)."""
        with self._lock:
            found = self._live_counts.get(field)
        if found is None:
            found = self._live_counts[field] = self.count(field, self.live)
        return found

    def months_live(self) -> dict[int, int]:
        """months() of every live document, kept for the view's life."""
        if self._live_months is None:
            self._live_months = self.months(self.live)
        return self._live_months

    def months(self, among: np.ndarray) -> dict[int, int]:
        """Documents in `among` with a known date, per YYYYMM."""
        months = self.days()[among] // 100
        months = months[months > 0]
        if not len(months):
            return {}
        # A count per month between the first and the last (one pass; np.unique sorted them).
        first = int(months.min())
        counts = np.bincount(months - first)
        found = np.flatnonzero(counts)
        return dict(zip((found + first).tolist(), counts[found].tolist(), strict=True))
