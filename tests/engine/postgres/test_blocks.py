"""The PostgreSQL engine's packed blocks of postings (search/engine/postgres/blocks.py): pure
functions, no database."""

from __future__ import annotations

from collections import Counter

import numpy as np

from search.engine.postgres import blocks
from search.engine.postgres.documents import EXACT, TEXT, TITLE, DocumentRows


def _rows(article_id: int, words: list[str], *, day: int = 20200101) -> DocumentRows:
    text: dict[str, list[int]] = {}
    for position, word in enumerate(words):
        text.setdefault(word, []).append(position)
    return DocumentRows(
        id=article_id,
        day=day,
        text_length=len(words),
        title_length=1,
        exact_length=len(words),
        facets={},
        text=text,
        title=Counter(words[:1]),
        exact=Counter(words),
    )


def _unpacked(packed) -> dict:
    """(field, term) → ([(id, tf, length, day)], positions or None)."""
    found = {}
    for field, term, postings, positions in packed:
        rows = blocks.postings_of(postings)
        listed = [tuple(int(value) for value in row) for row in rows.tolist()]
        at = None if positions is None else np.frombuffer(positions, blocks.POSITION).tolist()
        found[field, term] = (listed, at)
    return found


def test_a_batch_packs_each_term_once_with_its_documents_in_id_order():
    packed = _unpacked(
        blocks.pack([_rows(9, ["قصف", "حلب", "قصف"], day=20200309), _rows(2, ["قصف", "ادلب"])])
    )
    assert packed[TEXT, "قصف"] == ([(2, 1, 2, 20200101), (9, 2, 3, 20200309)], [0, 0, 2])
    assert packed[TEXT, "حلب"] == ([(9, 1, 3, 20200309)], [1])
    assert packed[TITLE, "قصف"] == ([(2, 1, 1, 20200101), (9, 1, 1, 20200309)], None)
    assert packed[EXACT, "ادلب"] == ([(2, 1, 2, 20200101)], None)
    assert len(packed) == 3 + 1 + 3  # text: قصف حلب ادلب; title: قصف; exact: قصف حلب ادلب


def test_merging_drops_dead_postings_and_keeps_each_documents_positions():
    older = dict(
        ((f, t), (p, q))
        for f, t, p, q in blocks.pack([_rows(1, ["a", "x", "a"]), _rows(5, ["x", "a"])])
    )
    newer = dict(
        ((f, t), (p, q))
        for f, t, p, q in blocks.pack(
            [_rows(3, ["a", "a", "a"]), _rows(5, ["a"]), _rows(0, ["b", "a"])]
        )
    )
    # Document 5 was written again in the newer batch: its older postings are dead.
    merged = blocks.merged([older[TEXT, "a"], newer[TEXT, "a"]], [np.array([5]), None])
    assert merged is not None
    postings, positions = merged
    rows = blocks.postings_of(postings)
    assert rows["id"].tolist() == [0, 1, 3, 5]
    assert rows["tf"].tolist() == [1, 2, 3, 1]
    assert np.frombuffer(positions, blocks.POSITION).tolist() == [1, 0, 2, 0, 1, 2, 0]
    # A term only dead documents held leaves no block.
    assert blocks.merged([older[TEXT, "x"]], [np.array([1, 5])]) is None


def test_reading_a_block_drops_dead_documents_and_finds_positions():
    (_, _, postings, positions), *_ = blocks.pack([_rows(1, ["a", "b", "a"]), _rows(4, ["a"])])
    rows = blocks.postings_of(postings)
    keep = blocks.alive(rows, np.array([4]))
    assert keep.tolist() == [True, False]
    assert blocks.alive(rows, np.array([7])) is None  # nothing dead here
    documents, at = blocks.positions_in(rows, positions, np.array([True, True]))
    assert (documents.tolist(), at.tolist()) == ([1, 1, 4], [0, 2, 0])


def test_positions_of_some_documents_are_theirs_only():
    texts = {2: ["a", "b", "a"], 3: ["a"], 6: ["b", "a", "a", "a"], 8: ["a", "a"], 9: ["a"]}
    (_, _, postings, positions), *_ = blocks.pack([_rows(i, t) for i, t in texts.items()])
    rows = blocks.postings_of(postings)
    # The second, third and last documents: each one's positions of "a", in order.
    keep = np.array([False, True, True, False, True])
    documents, at = blocks.positions_in(rows, positions, keep)
    assert documents.tolist() == [3, 6, 6, 6, 9]
    assert at.tolist() == [0, 1, 2, 3, 0]
    nothing = blocks.positions_in(rows, positions, np.zeros(5, dtype=bool))
    assert [part.tolist() for part in nothing] == [[], []]


def test_merge_plan_takes_ten_batches_of_a_size_or_one_with_many_dead():
    small = [(n, 1, 0) for n in range(1, 10)]
    assert blocks.merge_plan(small) == []  # nine of a tier: not yet
    assert blocks.merge_plan([*small, (10, 3, 0)]) == list(range(1, 11))
    # Batches of 2,000 and of 20,000 are other tiers: ten of the smallest tier go first.
    mixed = [(100, 20_000, 0), *[(200 + n, 2_000, 0) for n in range(12)]]
    assert blocks.merge_plan(mixed) == [200 + n for n in range(10)]
    # A quarter or more of a batch dead: rewritten alone, whatever its tier.
    assert blocks.merge_plan([(1, 30, 10), (2, 5, 1)]) == [1]
    assert blocks.merge_plan([(1, 31, 10)]) == []
    # 1,000 is tier 3 like 9,999 (no floating-point 2.999...).
    assert blocks.merge_plan([(n, 1_000 if n % 2 else 9_999, 0) for n in range(10)]) == list(
        range(10)
    )
