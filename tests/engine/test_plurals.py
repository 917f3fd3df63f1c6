"""Broken plurals find their singulars and back (search.analysis.plurals), the exact form first;
and an engine records the version of the analysis its index was built with."""

from __future__ import annotations

import pytest

from search.analysis import ANALYSIS_VERSION
from tests.engine import doc, matching, search


def test_a_chemical_weapon_finds_chemical_weapons(engine):
    engine.apply(
        [
            doc(1, "اتهامات باستخدام أسلحة كيميائية في الغوطة"),
            doc(2, "نقل السلاح إلى الجبهة"),
            doc(3, "مصنع كيميائي في المدينة الصناعية"),
        ],
        [],
    )
    assert matching(engine, "سلاح كيميائي") == [1]
    assert matching(engine, "الأسلحة الكيميائية") == [1]
    assert matching(engine, "سلاح") == [1, 2]


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("صواريخ", "صاروخ"),
        ("صاروخ", "صواريخ"),
        ("بالصواريخ", "صاروخ"),  # article and preposition in the text
        ("صاروخ", "بالصواريخ"),  # ... and in the query
        ("بصواريخ", "الصاروخ"),  # a preposition light10 leaves on the word
        ("صواريخهم", "صاروخ"),  # an attached pronoun
        ("مدن", "مدينة"),
        ("مدينة", "مدن"),
        ("والمدن", "مدينة"),
        ("مدينة", "والمدن"),
        ("أسلحتها", "سلاح"),  # ة written ت before the pronoun
        ("القادة", "قائد"),
        ("الأسرى", "أسير"),
        ("جنود", "جندي"),
    ],
)
def test_a_broken_plural_and_its_singular_find_each_other(engine, written, typed):
    engine.apply([doc(1, f"خبر عن {written} اليوم"), doc(2, "خبر آخر اليوم")], [])
    assert matching(engine, typed) == [1]


@pytest.mark.parametrize(("singular", "plural"), [("صاروخ", "صواريخ"), ("مدينة", "مدن")])
def test_the_number_typed_ranks_first(engine, singular, plural):
    engine.apply(
        [doc(1, f"سقط {singular} قرب الحدود"), doc(2, f"سقطت {plural} قرب الحدود")],
        [],
    )
    assert search(engine, singular).ids == [1, 2]
    assert search(engine, plural).ids == [2, 1]


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("كتب المراسل من دمشق", "كتاب"),  # كتب: 'wrote', not 'books'
        ("سقوط ضحايا من المدنيين", "مدينة"),  # civilians are not cities
        ("قتله مسلحون مجهولون", "قاتل"),  # 'killed him', not 'killers'
        ("معارض سوري بارز", "معرض"),  # an opponent, not exhibitions
        ("عاد إلى الجزائر", "جزيرة"),  # Algeria, not islands
    ],
)
def test_a_spelling_shared_with_another_word_is_not_joined(engine, written, typed):
    engine.apply([doc(1, written)], [])
    assert matching(engine, typed) == []


def test_a_new_or_emptied_index_is_of_the_current_analysis(engine):
    assert engine.analysis_version() == ANALYSIS_VERSION
    engine.apply([doc(1, "صواريخ")], [])
    assert engine.analysis_version() == ANALYSIS_VERSION
    engine.clear()
    assert engine.analysis_version() == ANALYSIS_VERSION
