"""The three sorts, each fully determined (ties broken by date, score and id exactly as the
contract says), and pages that are slices of the one full order."""

from __future__ import annotations

import pytest

from search.analysis.query import ParsedQuery, parse_query
from search.engine.contract import SearchRequest
from tests.engine import doc, search

# Same length, so one حلب more is simply a better match.
STRONG = "حلب حلب تقرير"
WEAK = "حلب تقرير تقرير"


@pytest.fixture
def ties(engine):
    """Two levels of score, several documents on each day and two without a date."""
    engine.apply(
        [
            doc(1, WEAK, day=20200101),
            doc(2, STRONG, day=20200101),
            doc(3, WEAK, day=20200101),
            doc(4, STRONG),
            doc(5, WEAK, day=20210101),
            doc(6, WEAK),
            doc(7, STRONG, day=20190101),
            doc(8, WEAK),
        ],
        [],
    )
    return engine


def test_the_tie_fixture_has_two_levels_of_score(ties):
    hits = search(ties, "حلب")
    score = dict(zip(hits.ids, hits.scores, strict=True))
    assert score[2] == score[4] == score[7] > score[1] == score[3] == score[5] == score[6] > 0
    assert score[6] == score[8]


def test_relevance_orders_by_score_then_newest_then_highest_id(ties):
    assert search(ties, "حلب").ids == [2, 7, 4, 5, 3, 1, 8, 6]
    assert search(ties, "حلب", sort="relevance").ids == [2, 7, 4, 5, 3, 1, 8, 6]


def test_newest_orders_by_date_then_score_then_highest_id_unknown_dates_last(ties):
    assert search(ties, "حلب", sort="newest").ids == [5, 2, 3, 1, 7, 4, 8, 6]


def test_oldest_orders_by_date_then_score_then_lowest_id_unknown_dates_last(ties):
    assert search(ties, "حلب", sort="oldest").ids == [7, 2, 1, 3, 5, 4, 6, 8]


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_each_score_belongs_to_the_id_beside_it(ties, sort):
    by_relevance = search(ties, "حلب")
    score = dict(zip(by_relevance.ids, by_relevance.scores, strict=True))
    hits = search(ties, "حلب", sort=sort)
    assert hits.scores == [score[pk] for pk in hits.ids]


def test_relevance_puts_a_better_match_before_a_newer_one(engine):
    engine.apply(
        [
            doc(1, "قصف على حلب", day=20240101),
            doc(2, "قصف قصف حلب", day=20100101),
        ],
        [],
    )
    assert search(engine, "قصف").ids == [2, 1]
    assert search(engine, "قصف", sort="newest").ids == [1, 2]
    assert search(engine, "قصف", sort="oldest").ids == [2, 1]


def _many(engine, count=30):
    """`count` matches of حلب: three levels of score, two dates and no date, all interleaved."""
    texts = ["حلب تقرير تقرير تقرير", "حلب حلب تقرير تقرير", "حلب حلب حلب تقرير"]
    days = [20200101, 0, 20200102, 20200101, 0]
    engine.apply(
        [
            doc(pk, texts[pk % 3], day=days[pk % 5], place=["sy" if pk % 2 else "iq"])
            for pk in range(1, count + 1)
        ],
        [],
    )


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_pages_are_slices_of_the_full_order(engine, sort):
    _many(engine)
    everything = search(engine, "حلب", sort=sort, limit=None)
    assert everything.total == 30
    assert sorted(everything.ids) == list(range(1, 31))
    for offset, limit in [(0, 1), (0, 5), (3, 4), (5, 10), (20, 10), (25, 10), (29, 1)]:
        page = search(engine, "حلب", sort=sort, offset=offset, limit=limit)
        assert page.total == 30
        assert page.ids == everything.ids[offset : offset + limit]
        assert page.scores == everything.scores[offset : offset + limit]


def test_a_page_past_the_end_has_no_ids_but_the_total(engine):
    _many(engine)
    hits = search(engine, "حلب", offset=30, limit=10)
    assert (hits.total, hits.ids, hits.scores) == (30, [], [])


def test_the_default_page_is_the_first_twenty(engine):
    _many(engine)
    everything = search(engine, "حلب", limit=None)
    hits = engine.search(SearchRequest(query=parse_query("حلب")))
    assert hits.ids == everything.ids[:20]


def test_facets_and_months_count_every_match_not_only_the_page(engine):
    _many(engine)
    hits = search(engine, "حلب", offset=2, limit=3, facets=("place",))
    assert len(hits.ids) == 3
    assert hits.facets == {"place": [("iq", 15), ("sy", 15)]}
    # Days by id % 5: 0 → 20200101 and 3 → 20200101 (12), 2 → 20200102 (6), 1 and 4 none.
    assert hits.months == {202001: 18}


def test_limit_zero_gives_the_total_facets_and_months_but_no_ids(engine):
    _many(engine)
    hits = search(engine, "حلب", limit=0, facets=("place",))
    assert (hits.total, hits.ids, hits.scores) == (30, [], [])
    assert hits.facets == {"place": [("iq", 15), ("sy", 15)]}
    assert hits.months == {202001: 18}
    browse = search(engine, ParsedQuery(), match_all=True, limit=0, facets=("place",))
    assert (browse.total, browse.ids) == (30, [])
    assert browse.facets == hits.facets


def _browse(engine, **request):
    return search(engine, ParsedQuery(), match_all=True, **request)


def test_a_browse_lists_every_document_by_date_unknown_dates_last(ties):
    # Unscored: by date, then the id (highest first; lowest first for oldest).
    newest = [5, 3, 2, 1, 7, 8, 6, 4]
    assert _browse(ties, sort="newest").ids == newest
    assert _browse(ties, sort="relevance").ids == newest
    assert _browse(ties, sort="oldest").ids == [7, 1, 2, 3, 5, 4, 6, 8]
    page = _browse(ties, sort="newest", offset=2, limit=3)
    assert (page.total, page.ids) == (8, newest[2:5])
    assert page.scores == [0.0, 0.0, 0.0]


def test_a_browse_narrowed_by_filters_and_dates_pages_through_what_passes(engine):
    engine.apply(
        [
            doc(1, "أ", day=20200105, source=["sana"], place=["sy"]),
            doc(2, "ب", day=20200301, source=["wire"], place=["sy"]),
            doc(3, "ج", day=20190101, source=["sana"], place=["iq"]),
            doc(4, "د", source=["sana"], place=["sy"]),
            doc(5, "ه", day=20210101, source=["sana"], place=["sy", "iq"]),
        ],
        [],
    )
    hits = _browse(engine, filters={"source": ["sana"], "place": ["sy"]}, facets=("place",))
    assert (hits.total, hits.ids) == (3, [5, 1, 4])
    assert hits.facets == {"place": [("sy", 3), ("iq", 2)]}
    dated = _browse(engine, filters={"place": ["sy"]}, day_from=20200101, sort="oldest")
    assert (dated.total, dated.ids) == (3, [1, 2, 5])
    second = _browse(engine, filters={"place": ["sy", "iq"]}, offset=3, limit=2)
    assert (second.total, second.ids) == (5, [3, 4])  # 5, 2, 1 on the first page
    assert _browse(engine, filters={"place": ["lb"]}).ids == []


@pytest.mark.django_db
def test_the_service_refuses_pages_deeper_than_the_limit(make_article, indexed, settings):
    from django.utils import translation

    from search import service

    settings.ARCHIVE_MAX_PAGE_DEPTH = 4
    for n in range(6):
        make_article(f"خبر عن الحدود {n}", ["اشتباكات على الحدود."])
    indexed()

    def page(number, q="الحدود"):
        with translation.override("en"):  # the notes are in the interface language
            return service.run_search(service.SearchParams(q=q, page=number, per_page=2))

    second = page(2)
    # Six results, but only the first four can be paged through, and the page says so.
    assert (second.count, second.pages, len(second.results)) == (6, 2, 2)
    assert any("Only the first 4 results" in note for note in second.notes)
    with pytest.raises(service.PageOutOfRange) as refused:
        page(3)
    with translation.override("en"):
        assert "only the first 4 results" in str(refused.value)
    # A browse from the database is limited the same way (an offset is a walk).
    assert page(2, q="").pages == 2
    with pytest.raises(service.PageOutOfRange):
        page(3, q="")
