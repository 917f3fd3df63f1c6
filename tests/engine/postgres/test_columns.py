"""The PostgreSQL engine's in-process arrays (columns.py) and the set operations its
evaluation uses (evaluate.py): pure numpy, no database."""

from __future__ import annotations

import numpy as np
import pytest

from search.engine.postgres import blocks, columns
from search.engine.postgres.blocks import among
from search.engine.postgres.evaluate import _ascending, _union

IDS = np.array([3, 5, 8, 13, 21, 34], dtype=np.int64)
PLACES = {  # value → the articles having it
    "حلب": [3, 8, 13, 34],
    "إدلب": [5, 8],
    "دمشق": [21],
    "حمص": [],
}


def _columns() -> columns.Columns:
    rows = {"place": [(value, held) for value, held in PLACES.items()]}
    return columns.build(7, IDS, np.zeros(len(IDS), dtype=np.int64), rows)


def _expected(among_ids: set[int]) -> list[tuple[str, int]]:
    counted = [(value, len(among_ids & set(held))) for value, held in PLACES.items()]
    return sorted(
        [(value, count) for value, count in counted if count], key=lambda item: (-item[1], item[0])
    )


@pytest.mark.parametrize(
    "among_ids",
    [set(), {8}, {3, 21}, {3, 5, 8, 13}, {5, 8, 13, 21, 34}, set(IDS.tolist())],
    ids=["none", "one", "few", "most", "all-but-one", "all"],
)
def test_a_facet_counts_the_documents_it_is_given_however_many(among_ids):
    held = _columns()
    among = np.isin(IDS, list(among_ids))
    assert held.count("place", among) == _expected(among_ids)


def test_documents_with_a_value_and_an_unknown_facet():
    held = _columns()
    assert IDS[held.having("place", ["إدلب", "دمشق"])].tolist() == [5, 8, 21]
    assert not held.having("place", ["القاهرة"]).any()
    assert not held.having("no such facet", ["حلب"]).any()
    assert held.count("no such facet", np.ones(len(IDS), dtype=bool)) == []


def test_the_union_of_postings_keeps_each_document_once_with_its_date():
    ids = np.array([8, 3, 21, 8, 3], dtype=np.int64)
    days = np.array([20200108, 20200103, 0, 20200108, 20200103], dtype=np.int64)
    distinct, their_days = _union(ids, days)
    assert distinct.tolist() == [3, 8, 21]
    assert their_days.tolist() == [20200103, 20200108, 0]
    # Ids far larger than the list: the sorting way, the same answer.
    far = np.array([5_000_000_000, 7, 5_000_000_000], dtype=np.int64)
    distinct, their_days = _union(far, np.array([1, 2, 1], dtype=np.int64))
    assert distinct.tolist() == [7, 5_000_000_000] and their_days.tolist() == [2, 1]


def test_places_are_sorted_and_searched_whatever_order_they_come_in():
    assert _ascending(np.array([1, 4, 9])).tolist() == [1, 4, 9]
    assert _ascending(np.array([9, 1, 4, 1])).tolist() == [1, 4, 9]
    ascending = np.array([2, 5, 11], dtype=np.int64)
    values = np.array([11, 1, 5, 12, 2, 6], dtype=np.int64)
    assert among(values, ascending).tolist() == [True, False, True, False, True, False]
    assert among(values, ascending[:0]).tolist() == [False] * 6


def test_postings_of_batches_are_combined_in_id_order():
    def postings(*ids):
        packed = np.zeros(len(ids), dtype=blocks.POSTING)
        packed["id"] = ids
        packed["tf"] = [10 + i for i in ids]
        return packed

    in_order = blocks.combined([postings(1, 4), postings(6, 9)])
    assert in_order["id"].tolist() == [1, 4, 6, 9]
    # A later batch re-indexing an older article.
    mixed = blocks.combined([postings(1, 6), postings(4, 9)])
    assert mixed["id"].tolist() == [1, 4, 6, 9]
    assert mixed["tf"].tolist() == [11, 14, 16, 19]
