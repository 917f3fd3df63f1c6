"""Writes as a caller sees them: replacing, deleting, counting, clearing, staging and merging,
and what an empty query matches."""

from __future__ import annotations

import pytest

from search.analysis.query import ParsedQuery
from search.engine.contract import FACETS
from tests.engine import doc, matching, search


def _three():
    return [
        doc(1, "قصف على حلب", day=20200105, place=["sy", "sy:aleppo"], source=["sana"]),
        doc(2, "قصف على حمص", day=20200210, place=["sy", "sy:homs"], source=["wire"]),
        doc(3, "هدوء في الموصل", day=20191231, place=["iq"], source=["sana"]),
    ]


def _everything(engine, query="قصف OR هدوء"):
    """What a caller sees of a search: ids, scores, facets and months."""
    hits = search(engine, query, facets=FACETS)
    return hits.total, hits.ids, hits.scores, hits.facets, hits.months


def test_count_is_the_number_of_documents(engine):
    engine.apply(_three(), [])
    assert engine.count() == 3
    engine.apply([doc(4, "خبر")], [])
    assert engine.count() == 4


def test_applying_a_document_again_replaces_it(engine):
    engine.apply(_three(), [])
    engine.apply([doc(1, "هدنة في حمص", day=20210301, place=["sy:homs"], source=["wire"])], [])
    assert engine.count() == 3
    assert matching(engine, "حلب") == []
    assert matching(engine, "هدنة") == [1]
    assert matching(engine, "حمص") == [1, 2]
    hits = search(engine, "حمص OR هدوء", facets=("place", "source"))
    assert hits.facets == {
        "place": [("sy:homs", 2), ("iq", 1), ("sy", 1)],
        "source": [("wire", 2), ("sana", 1)],
    }
    assert hits.months == {201912: 1, 202002: 1, 202103: 1}


def test_applying_the_same_document_again_changes_nothing_a_caller_sees(engine):
    engine.apply(_three(), [])
    before = _everything(engine)
    engine.apply(_three()[:2], [])
    assert engine.count() == 3
    assert _everything(engine) == before


def test_deleted_documents_leave_results_facets_months_and_count(engine):
    engine.apply(_three(), [])
    engine.apply([], [2])
    assert engine.count() == 2
    hits = search(engine, "قصف", facets=("place", "source"))
    assert (hits.total, hits.ids) == (1, [1])
    assert hits.facets == {"place": [("sy", 1), ("sy:aleppo", 1)], "source": [("sana", 1)]}
    assert hits.months == {202001: 1}
    assert matching(engine, "حمص") == []
    browse = search(engine, ParsedQuery(), match_all=True, limit=0, facets=("source",))
    assert (browse.total, browse.facets) == (2, {"source": [("sana", 2)]})


def test_documents_and_deletions_are_applied_together(engine):
    engine.apply(_three(), [])
    engine.apply([doc(4, "قصف على ادلب"), doc(3, "قصف على الموصل")], [1, 2])
    assert engine.count() == 2
    assert matching(engine, "قصف") == [3, 4]
    assert matching(engine, "هدوء") == []


def test_deleting_an_unknown_id_or_applying_nothing_changes_nothing(engine):
    engine.apply(_three(), [])
    before = _everything(engine)
    engine.apply([], [99])
    engine.apply([], [])
    assert engine.count() == 3
    assert _everything(engine) == before


def test_clear_empties_the_engine_which_can_then_be_filled_again(engine):
    engine.apply(_three(), [])
    engine.clear()
    assert engine.count() == 0
    assert matching(engine, "قصف") == []
    browse = search(engine, ParsedQuery(), match_all=True, limit=0, facets=("place",))
    assert (browse.total, browse.facets, browse.months) == (0, {"place": []}, {})
    engine.apply([doc(7, "قصف على ادلب", place=["sy"])], [])
    assert engine.count() == 1
    assert matching(engine, "قصف") == [7]


def test_an_empty_query_matches_nothing_unless_match_all(engine):
    engine.apply(_three(), [])
    hits = search(engine, ParsedQuery(), facets=("place",))
    assert (hits.total, hits.ids, hits.facets, hits.months) == (0, [], {"place": []}, {})
    browse = search(engine, ParsedQuery(), match_all=True, limit=0, facets=("place",))
    assert browse.total == 3
    assert browse.facets == {"place": [("sy", 2), ("iq", 1), ("sy:aleppo", 1), ("sy:homs", 1)]}
    assert browse.months == {201912: 1, 202001: 1, 202002: 1}


def test_writes_left_unmerged_then_merged_when_idle_change_no_result(engine):
    engine.apply([*_three(), doc(4, "قصف على ادلب", day=20200301, place=["sy"])], [], merge=False)
    # Most of that batch replaced or deleted: storage worth reorganising.
    replaced = [doc(1, "قصف على حلب وريفها", day=20200106, place=["sy"]), _three()[1]]
    engine.apply(replaced, [3], merge=False)
    before = _everything(engine)
    assert sorted(before[1]) == [1, 2, 4]
    for _ in range(100):
        if not engine.merge_idle():
            break
    else:
        pytest.fail("merge_idle() never ran out of merges to do")
    assert engine.count() == 3
    assert _everything(engine) == before


def test_warm_up_changes_no_result(engine):
    engine.apply(_three(), [])
    before = _everything(engine)
    engine.warm_up(FACETS)
    assert _everything(engine) == before


def test_staged_documents_appear_once_added(engine):
    if not engine.can_stage:
        pytest.skip("this engine does not stage batches")
    engine.apply(_three(), [])
    staged = engine.stage([doc(4, "قصف على ادلب", place=["sy"]), doc(2, "هدوء في حمص")])
    assert matching(engine, "ادلب") == []
    engine.add_staged(staged, [1])
    assert engine.count() == 3
    assert matching(engine, "ادلب") == [4]
    assert matching(engine, "قصف") == [4]
    assert matching(engine, "هدوء") == [2, 3]
