"""Every query form a reader can type, and the entity expansion the service attaches, match
exactly the documents they should: Arabic morphology and spelling, AND, OR, phrases,
exclusions, prefixes, aliases, English."""

from __future__ import annotations

from dataclasses import replace

import pytest

from search.analysis.query import ParsedQuery, parse_query
from tests.engine import doc, matching, search


@pytest.mark.parametrize(
    ("written", "typed"),
    [
        ("المدينة", "مدينة"),  # the definite article
        ("والمدينة", "مدينة"),  # conjunction and article
        ("مدينة", "المدينة"),  # the article in the query, not in the text
        ("المسلحين", "مسلح"),  # sound masculine plural
        ("الانتخابات", "انتخاب"),  # feminine plural
        ("قَصْف", "قصف"),  # diacritics in the text
        ("قصف", "قَصْف"),  # diacritics in the query
        ("أطفال", "اطفال"),  # hamza on alef, typed bare
        ("اسرائيل", "إسرائيل"),  # hamza below alef, written bare
        ("سورية", "سوريه"),  # ta marbuta typed as ha
        ("سوريه", "سورية"),
        ("مستشفى", "مستشفي"),  # alef maksura typed as ya
        ("الجيـــش", "الجيش"),  # tatweel in the text
        ("٢٠١٤", "2014"),  # Arabic-Indic digits in the text
        ("2014", "٢٠١٤"),
        ("Ministers", "minister"),  # English: case and plural
        ("refugee", "REFUGEES"),
    ],
)
def test_a_word_finds_every_spelling_and_form_of_it(engine, written, typed):
    engine.apply([doc(1, f"خبر عن {written} اليوم"), doc(2, "خبر آخر اليوم")], [])
    assert matching(engine, typed) == [1]


def test_a_word_does_not_find_other_words_sharing_its_letters(engine):
    # Civilians (مدنيون) are not cities (مدن, the plural of مدينة: see test_plurals.py).
    engine.apply([doc(1, "المدينة"), doc(2, "الدين والدولة"), doc(3, "المدنيون في الملاجئ")], [])
    assert matching(engine, "مدينة") == [1]


def test_words_are_anded(engine):
    engine.apply(
        [
            doc(1, "قصف مدفعي على حلب"),
            doc(2, "قصف جوي على حمص"),
            doc(3, "هدوء في حلب"),
            doc(4, "حلب تحت القصف"),
        ],
        [],
    )
    assert matching(engine, "قصف حلب") == [1, 4]
    assert matching(engine, "قصف حلب حمص") == []


def test_or_matches_either_word_and_binds_tighter_than_and(engine):
    engine.apply(
        [
            doc(1, "قصف مدفعي على حلب"),
            doc(2, "قصف جوي على حمص"),
            doc(3, "هدوء في حلب"),
            doc(4, "هدوء في دمشق"),
        ],
        [],
    )
    assert matching(engine, "حلب OR حمص") == [1, 2, 3]
    assert matching(engine, "حلب أو حمص") == [1, 2, 3]
    # (حلب OR حمص) AND قصف
    assert matching(engine, "حلب OR حمص قصف") == [1, 2]
    assert matching(engine, "هدوء حلب OR دمشق") == [3, 4]


def test_phrase_matches_only_its_words_in_order_and_adjacent(engine):
    engine.apply(
        [
            doc(1, "تعرضت حلب إلى قصف عنيف الليلة"),
            doc(2, "كان عنيف القصف"),  # reversed
            doc(3, "قصف مدفعي عنيف"),  # not adjacent
            doc(4, "القصف العنيف على المدينة"),  # other forms of the same words
            doc(5, "عنيف"),
        ],
        [],
    )
    assert matching(engine, '"قصف عنيف"') == [1, 4]
    assert matching(engine, "قصف عنيف") == [1, 2, 3, 4]


def test_phrase_of_three_words_needs_all_three_in_a_row(engine):
    engine.apply(
        [
            doc(1, "وقف إطلاق النار في الشمال"),
            doc(2, "وقف النار إطلاق"),
            doc(3, "إطلاق النار ثم وقف"),
            doc(4, "وقف اطلاق نار"),
        ],
        [],
    )
    assert matching(engine, '"وقف إطلاق النار"') == [1, 4]


def test_phrase_with_a_stopword_inside_matches_the_words_around_it_adjacent(engine):
    engine.apply(
        [
            doc(1, "غارات على حلب"),
            doc(2, "غارات روسية حلب"),  # a word, not a stopword, in its place
            doc(3, "حلب على غارات"),
            doc(4, "غارات روسية جديدة على حلب"),
        ],
        [],
    )
    assert matching(engine, '"غارات على حلب"') == [1]


def test_a_stopword_in_a_phrase_does_not_loosen_the_other_words(engine):
    engine.apply(
        [
            doc(1, "قصف عنيف على حلب"),
            doc(2, "قصف مدفعي عنيف على حلب"),  # قصف … عنيف not adjacent
        ],
        [],
    )
    assert matching(engine, '"قصف عنيف على حلب"') == [1]


def test_a_word_can_be_excluded(engine):
    engine.apply(
        [
            doc(1, "قصف على حلب"),
            doc(2, "قصف على حمص"),
            doc(3, "قصف على المدينة وحلب"),
            doc(4, "هدوء في حمص"),
        ],
        [],
    )
    assert matching(engine, "قصف -حلب") == [2]
    # The exclusion is matched like any word: وحلب is حلب.
    # An exclusion alone: every other document.
    assert matching(engine, "-حلب") == [2, 4]
    assert matching(engine, "-حلب -حمص") == []


def test_a_phrase_can_be_excluded(engine):
    engine.apply(
        [
            doc(1, "قصف عنيف على حلب"),
            doc(2, "عنيف قصف على حلب"),
            doc(3, "قصف على حلب"),
        ],
        [],
    )
    assert matching(engine, 'حلب -"قصف عنيف"') == [2, 3]
    assert matching(engine, "حلب -قصف") == []


def test_prefix_matches_words_beginning_with_it_behind_the_article_and_clitics(engine):
    engine.apply(
        [
            doc(1, "اشتباكات مع المسلحين"),
            doc(2, "مسلحون يهاجمون"),
            doc(3, "وصل مسلح"),
            doc(4, "هجوم للمسلحين"),
            doc(5, "نزع السلاح"),  # shares letters, does not begin with them
            doc(6, "أسلحة ثقيلة"),
        ],
        [],
    )
    assert matching(engine, "مسلح*") == [1, 2, 3, 4]
    assert matching(engine, "مسلحو*") == [2]


def test_a_prefix_matching_too_many_forms_keeps_the_most_frequent_and_says_so(engine):
    from search.engine.contract import MAX_PREFIX_TERMS

    common = " ".join(f"قرا{n}" for n in range(MAX_PREFIX_TERMS))
    engine.apply([doc(1, common), doc(2, common), doc(3, "قرار وحيد"), doc(4, "قرأ")], [])
    hits = search(engine, "قرا*")
    # قرار, in one document only, is the form left out; قرأ is قرا once normalised.
    assert sorted(hits.ids) == [1, 2]
    assert hits.capped_prefixes == ["قرا"]
    narrower = search(engine, "قرار*")
    assert (sorted(narrower.ids), narrower.capped_prefixes) == ([3], [])


def test_prefix_of_an_english_word(engine):
    engine.apply(
        [doc(1, "Ministers met"), doc(2, "the ministry said"), doc(3, "administration")], []
    )
    assert matching(engine, "minist*") == [1, 2]
    assert matching(engine, "ministe*") == [1]


def _named(text: str, *entities: tuple[str, str]) -> ParsedQuery:
    """A one-word query whose clause names these gazetteer entities (as the service does)."""
    parsed = parse_query(text)
    ((clause,),) = parsed.groups
    return ParsedQuery(groups=[[replace(clause, entities=entities)]])


def test_a_clause_naming_an_entity_matches_documents_tagged_with_it(engine):
    engine.apply(
        [
            doc(1, "تنظيم الدولة يتبنى الهجوم", org=["isis"]),
            doc(2, "داعش يتبنى الهجوم", org=["isis"]),
            doc(3, "خبر عن داعش بلا وسم"),  # the word, untagged
            doc(4, "خبر عن تنظيم آخر", org=["hts"]),
            doc(5, "خبر لا علاقة له"),
        ],
        [],
    )
    assert matching(engine, _named("داعش", ("org", "isis"))) == [1, 2, 3]
    assert matching(engine, _named("داعش", ("org", "isis"), ("org", "hts"))) == [1, 2, 3, 4]
    # Another kind with the same key is another entity.
    assert matching(engine, _named("داعش", ("place", "isis"))) == [2, 3]
    assert matching(engine, "داعش") == [2, 3]


def test_an_excluded_clause_naming_an_entity_excludes_documents_tagged_with_it(engine):
    engine.apply(
        [
            doc(1, "تنظيم الدولة يهاجم حلب", org=["isis"]),
            doc(2, "داعش يهاجم حلب"),
            doc(3, "قصف على حلب"),
        ],
        [],
    )
    (excluded,) = _named("داعش", ("org", "isis")).groups[0]
    parsed = ParsedQuery(groups=parse_query("حلب").groups, excluded=[excluded])
    assert matching(engine, parsed) == [3]


def test_english_words_are_matched_and_anded(engine):
    engine.apply(
        [
            doc(1, "Foreign ministers met in Washington to discuss refugees"),
            doc(2, "The minister stayed in Damascus"),
            doc(3, "وزراء الخارجية في Washington"),
        ],
        [],
    )
    assert matching(engine, "minister") == [1, 2]
    assert matching(engine, "washington") == [1, 3]
    assert matching(engine, "ministers washington") == [1]
    assert matching(engine, '"ministers met"') == [1]
    assert matching(engine, '"met ministers"') == []


def test_a_query_without_a_match_finds_nothing(engine):
    engine.apply([doc(1, "قصف على حلب")], [])
    hits = search(engine, "دمشق")
    assert (hits.total, hits.ids) == (0, [])
