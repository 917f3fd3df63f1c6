"""Every document's date and facet values held in the process as arrays, for one generation
of the index: facet counts, filters and months in numpy instead of SQL.

Counting facets in SQL costs a few microseconds per matching document and facet value (a
browse of 100k articles, a third of a second); as arrays (the Whoosh engine's way) it is one
bincount. The arrays are read by warm_up() (the web process's keep_warm thread calls it every
few seconds), never by a search: a search uses them only when they are of the very generation
its own snapshot reads (totals.generation, a new sequence value with every change, so never the
same for two states of the index), and counts in SQL otherwise. Results are the same either
way; only their cost differs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from search.engine.contract import FACETS
from search.engine.postgres import blocks


@dataclass(frozen=True)
class Facet:
    """One facet's values and which documents have each: (document, value) pairs, as
    positions in Columns.ids and in `values`, by document; `starts` (one more than there are
    documents) is where each document's pairs begin, `totals` how many documents have each
    value."""

    values: list[str]
    index: dict[str, int]
    pair_doc: np.ndarray
    pair_value: np.ndarray
    starts: np.ndarray
    totals: np.ndarray

    def count_codes(self, among: np.ndarray) -> np.ndarray:
        """How many documents of the mask `among` have each value (by code).

        Over the pairs of the documents in `among`, or of those not in it when they are fewer
        (then subtracted from the totals): a place facet holds ~25 pairs a document, and
        reading all of them for every search cost more than the rest of a facet count.
        """
        chosen = int(np.count_nonzero(among))
        complement = chosen > len(among) // 2
        documents = np.flatnonzero(~among if complement else among)
        starts = self.starts[documents]
        codes = self.pair_value[blocks.runs(starts, self.starts[documents + 1] - starts)]
        counts = np.bincount(codes, minlength=len(self.values))
        return self.totals - counts if complement else counts


@dataclass(frozen=True)
class Columns:
    generation: int
    ids: np.ndarray  # article ids, ascending
    days: np.ndarray
    facets: dict[str, Facet]

    def at(self, article_ids: np.ndarray) -> np.ndarray:
        """Positions of these article ids (all held) in `ids`."""
        return np.searchsorted(self.ids, article_ids)

    def having(self, name: str, wanted: Iterable[str]) -> np.ndarray:
        """Mask of the documents with any of these values of a facet."""
        mask = np.zeros(len(self.ids), dtype=bool)
        facet = self.facets.get(name)
        if facet is None:
            return mask
        codes = [facet.index[value] for value in wanted if value in facet.index]
        if codes:
            mask[facet.pair_doc[np.isin(facet.pair_value, codes)]] = True
        return mask

    def count(self, name: str, among: np.ndarray) -> list[tuple[str, int]]:
        """(value, documents in `among` having it), most frequent first, then by value."""
        facet = self.facets.get(name)
        if facet is None or not facet.values:
            return []
        counts = facet.count_codes(among)
        found = np.flatnonzero(counts)
        return sorted(
            ((facet.values[i], int(counts[i])) for i in found), key=lambda item: (-item[1], item[0])
        )


def build(
    generation: int,
    ids: np.ndarray,
    days: np.ndarray,
    facet_rows: dict[str, list[tuple[str, list[int]]]],
) -> Columns:
    """Columns from every document's id and date (ids ascending) and, per facet, each value
    with the ids of the documents having it."""
    facets = {}
    for name in FACETS:
        rows = sorted(facet_rows.get(name, ()), key=lambda row: row[0])
        values = [value for value, _ in rows]
        members = [np.asarray(held, dtype=np.int64) for _, held in rows]
        pair_doc = np.searchsorted(ids, np.concatenate(members)) if members else ids[:0]
        pair_value = np.repeat(np.arange(len(values)), [len(held) for held in members])
        by_document = np.argsort(pair_doc, kind="stable")
        pair_doc, pair_value = pair_doc[by_document], pair_value[by_document]
        starts = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(pair_doc, minlength=len(ids)), out=starts[1:])
        facets[name] = Facet(
            values,
            {value: n for n, value in enumerate(values)},
            pair_doc,
            pair_value,
            starts,
            np.bincount(pair_value, minlength=len(values)),
        )
    return Columns(generation, ids, days, facets)


class ColumnCache:
    """The latest Columns read of each database, shared by the process's threads."""

    def __init__(self):
        self._held: dict[tuple, Columns] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple, generation: int) -> Columns | None:
        """The columns of this generation, if they are the ones held."""
        columns = self._held.get(key)
        return columns if columns is not None and columns.generation == generation else None

    def put(self, key: tuple, columns: Columns) -> None:
        with self._lock:
            self._held[key] = columns

    def forget(self) -> None:
        with self._lock:
            self._held.clear()


CACHE = ColumnCache()
