"""'Did you mean': a query that finds nothing because of a misspelt word gets the nearest
indexed word in its place; a query with hits gets no suggestion."""

from __future__ import annotations

import pytest

from search.analysis.query import parse_query
from tests.engine import doc, search


@pytest.fixture
def camps(engine):
    engine.apply(
        [
            doc(1, "مخيمات عرسال قبل العاصفة"),
            doc(2, "عمال الإغاثة في حلب"),
            doc(3, "عمال المخيمات"),
            doc(4, "عمال البناء"),
        ],
        [],
    )
    return engine


def test_a_misspelt_word_without_hits_gets_the_nearest_indexed_word(camps):
    hits = search(camps, "عرصال")
    assert (hits.total, hits.ids) == (0, [])
    # One letter from عرسال; two from عمال, though three documents have that.
    assert hits.suggestion == "عرسال"
    assert search(camps, hits.suggestion).ids == [1]


def test_only_the_unknown_words_of_the_query_are_replaced(camps):
    assert search(camps, "مخيمات عرصال").suggestion == "مخيمات عرسال"
    assert search(camps, '"مخيمات عرصال"').suggestion == '"مخيمات عرسال"'
    assert search(camps, "حلبب عرصال").suggestion == "حلب عرسال"


def test_no_suggestion_when_there_are_hits(camps):
    assert search(camps, "عرسال").suggestion is None
    # عرصال is unknown, but the query finds حلب.
    hits = search(camps, "حلب OR عرصال")
    assert (hits.ids, hits.suggestion) == ([2], None)


def test_no_suggestion_when_every_word_is_known(camps):
    hits = search(camps, "عرسال حلب")
    assert (hits.total, hits.suggestion) == (0, None)
    hits = search(camps, "عرسال", filters={"source": ["nobody"]})
    assert (hits.total, hits.suggestion) == (0, None)


def test_no_suggestion_when_no_indexed_word_is_near(camps):
    assert search(camps, "قطار").suggestion is None


def test_a_word_only_deleted_documents_had_is_not_suggested(camps):
    # عرسان is one letter from عرسال and three from عمال: once 1 is deleted, no word held is
    # near it. (عرصال would be: عمال, two letters away, is then its nearest indexed word.)
    assert search(camps, "عرسان").suggestion == "عرسال"
    camps.apply([], [1])
    hits = search(camps, "عرسان")
    assert (hits.total, hits.suggestion) == (0, None)


def test_suggest_corrects_a_query_directly(camps):
    assert camps.suggest(parse_query("عرصال")) == "عرسال"
    assert camps.suggest(parse_query("عرسال")) is None
