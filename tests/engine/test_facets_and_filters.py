"""Facet counts, filters (OR within a facet, AND across), date ranges and the months of the
timeline, counted exactly."""

from __future__ import annotations

import pytest

from search.analysis.query import ParsedQuery
from search.engine.contract import FACETS
from tests.engine import doc, matching, search


def _archive():
    """Five reports, each with the word خبر; the fifth has no known date."""
    return [
        doc(
            1,
            "خبر عن قصف على حلب",
            day=20200105,
            source=["sana"],
            section=["سياسة"],
            language=["ar"],
            year=["2020"],
            place=["sy", "sy:aleppo"],
            org=["isis"],
            tag=["قصف"],
        ),
        doc(
            2,
            "خبر عن قصف على حمص",
            day=20200131,
            source=["wire"],
            section=["سياسة"],
            language=["ar"],
            year=["2020"],
            place=["sy", "sy:homs"],
        ),
        doc(
            3,
            "خبر عن قصف على الموصل",
            day=20191231,
            source=["sana"],
            section=["العراق"],
            language=["ar"],
            year=["2019"],
            place=["iq", "iq:mosul"],
            org=["isis"],
            person=["baghdadi"],
        ),
        doc(
            4,
            "خبر Shelling reported near Aleppo",
            day=20200201,
            source=["Example Wire"],
            section=["World"],
            language=["en"],
            year=["2020"],
            place=["sy", "sy:aleppo"],
        ),
        doc(
            5,
            "خبر عن قصف بلا تاريخ",
            source=["wire"],
            section=["سياسة"],
            language=["ar"],
            place=["sy"],
        ),
    ]


@pytest.fixture
def archive(engine):
    engine.apply(_archive(), [])
    return engine


def test_facets_count_the_matches_exactly(archive):
    hits = search(archive, "قصف", facets=FACETS)
    assert sorted(hits.ids) == [1, 2, 3, 5]
    assert hits.facets == {
        "source": [("sana", 2), ("wire", 2)],
        "section": [("سياسة", 3), ("العراق", 1)],
        "language": [("ar", 4)],
        "year": [("2020", 2), ("2019", 1)],
        # Each of a document's places is counted for it: sy once per document.
        "place": [("sy", 3), ("iq", 1), ("iq:mosul", 1), ("sy:aleppo", 1), ("sy:homs", 1)],
        "person": [("baghdadi", 1)],
        "org": [("isis", 2)],
        "tag": [("قصف", 1)],
    }


def test_facets_are_ordered_by_count_then_value(engine):
    engine.apply(
        [
            doc(1, "خبر", place=["b", "c"]),
            doc(2, "خبر", place=["c", "a"]),
            doc(3, "خبر", place=["d"]),
            doc(4, "خبر", place=["c", "d"]),
        ],
        [],
    )
    assert search(engine, "خبر", facets=("place",)).facets == {
        "place": [("c", 3), ("d", 2), ("a", 1), ("b", 1)]
    }


def test_only_the_facets_asked_for_are_counted(archive):
    hits = search(archive, "الموصل", facets=("place", "tag"))
    assert hits.facets == {"place": [("iq", 1), ("iq:mosul", 1)], "tag": []}
    assert search(archive, "الموصل").facets == {}


def test_facet_values_are_whole_and_verbatim(archive):
    assert search(archive, "خبر", facets=("source",)).facets["source"] == [
        ("sana", 2),
        ("wire", 2),
        ("Example Wire", 1),
    ]
    assert matching(archive, "خبر", filters={"source": ["Example Wire"]}) == [4]
    assert matching(archive, "خبر", filters={"source": ["example wire"]}) == []
    assert matching(archive, "خبر", filters={"source": ["Example"]}) == []


def test_filter_values_of_one_facet_are_ored(archive):
    assert matching(archive, "خبر", filters={"place": ["sy:aleppo", "sy:homs"]}) == [1, 2, 4]
    assert matching(archive, "قصف", filters={"place": ["sy:aleppo", "sy:homs"]}) == [1, 2]
    assert matching(archive, "خبر", filters={"place": ["iq", "nowhere"]}) == [3]


def test_filters_of_different_facets_are_anded(archive):
    assert matching(archive, "خبر", filters={"source": ["sana"], "place": ["sy"]}) == [1]
    assert matching(archive, "خبر", filters={"source": ["wire"], "section": ["سياسة"]}) == [2, 5]
    filters = {"source": ["sana", "wire"], "year": ["2020"], "language": ["ar"]}
    assert matching(archive, "خبر", filters=filters) == [1, 2]
    assert matching(archive, "خبر", filters={"org": ["isis"], "person": ["baghdadi"]}) == [3]


def test_a_facet_is_counted_with_every_filter_but_its_own(archive):
    hits = search(
        archive, "قصف", filters={"source": ["sana"]}, facets=("source", "section", "place")
    )
    assert (hits.total, sorted(hits.ids)) == (2, [1, 3])
    # The other source is still offered, with its count, to widen the choice.
    assert hits.facets["source"] == [("sana", 2), ("wire", 2)]
    # The other facets are narrowed to the sana reports.
    assert hits.facets["section"] == [("العراق", 1), ("سياسة", 1)]
    assert hits.facets["place"] == [("iq", 1), ("iq:mosul", 1), ("sy", 1), ("sy:aleppo", 1)]


def test_with_two_filters_each_facet_is_narrowed_by_the_other(archive):
    hits = search(
        archive,
        "قصف",
        filters={"source": ["sana"], "place": ["sy"]},
        facets=("source", "place", "section"),
    )
    assert hits.ids == [1]
    # Sources of the matches in sy (1, 2, 5); places of the sana matches (1, 3).
    assert hits.facets["source"] == [("wire", 2), ("sana", 1)]
    assert hits.facets["place"] == [("iq", 1), ("iq:mosul", 1), ("sy", 1), ("sy:aleppo", 1)]
    assert hits.facets["section"] == [("سياسة", 1)]


def test_a_filter_matching_nothing_still_offers_its_facets_other_values(archive):
    hits = search(archive, "قصف", filters={"source": ["nobody"]}, facets=("source", "section"))
    assert (hits.total, hits.ids) == (0, [])
    assert hits.facets == {"source": [("sana", 2), ("wire", 2)], "section": []}


@pytest.mark.parametrize(
    ("day_from", "day_to", "expected"),
    [
        (20200105, 20200131, [1, 2]),  # both ends included
        (20200106, 20200130, []),
        (20200131, None, [2, 4]),  # open end
        (None, 20191231, [3]),  # open start
        (20200201, 20200201, [4]),  # one day
        (19000101, 29991231, [1, 2, 3, 4]),  # every known date, not the unknown one
        (None, None, [1, 2, 3, 4, 5]),
    ],
)
def test_date_ranges_are_inclusive_and_leave_out_unknown_dates(archive, day_from, day_to, expected):
    assert matching(archive, "خبر", day_from=day_from, day_to=day_to) == expected


def test_facets_and_months_follow_the_date_range(archive):
    hits = search(archive, "خبر", day_from=20200101, facets=("source",))
    assert sorted(hits.ids) == [1, 2, 4]
    assert hits.facets == {"source": [("Example Wire", 1), ("sana", 1), ("wire", 1)]}
    assert hits.months == {202001: 2, 202002: 1}


def test_months_count_the_dated_matches_per_month(archive):
    assert search(archive, "خبر").months == {201912: 1, 202001: 2, 202002: 1}
    assert search(archive, "قصف").months == {201912: 1, 202001: 2}
    # Only the filtered matches: wire's are one of January 2020 and one undated.
    assert search(archive, "خبر", filters={"source": ["wire"]}).months == {202001: 1}
    assert search(archive, "تاريخ").ids == [5]
    assert search(archive, "تاريخ").months == {}


def test_browse_counts_facets_and_months_over_every_document(archive):
    hits = search(archive, ParsedQuery(), match_all=True, limit=0, facets=("source", "year"))
    assert hits.total == 5
    assert hits.ids == []
    assert hits.facets == {
        "source": [("sana", 2), ("wire", 2), ("Example Wire", 1)],
        "year": [("2020", 3), ("2019", 1)],
    }
    assert hits.months == {201912: 1, 202001: 2, 202002: 1}


def test_browse_facets_follow_filters_and_dates(archive):
    hits = search(
        archive,
        ParsedQuery(),
        match_all=True,
        limit=0,
        filters={"place": ["sy"]},
        day_to=20200131,
        facets=("place", "source"),
    )
    assert hits.total == 2  # 1 and 2: 4 is too late, 5 has no date
    assert hits.facets == {
        # Without its own filter: the places of 1, 2 and 3.
        "place": [("sy", 2), ("iq", 1), ("iq:mosul", 1), ("sy:aleppo", 1), ("sy:homs", 1)],
        "source": [("sana", 1), ("wire", 1)],
    }
