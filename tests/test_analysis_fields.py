"""search.analysis.fields: the terms and positions a text field indexes are exactly what the
Whoosh analyzers index, so every engine matches, phrases and scores the same words."""

from __future__ import annotations

from collections import Counter

import pytest

from search.analysis import fields
from search.engine.whoosh.analyzers import exact_analyzer, stemmed_analyzer
from tests.conftest import SEED

TEXTS = [
    "",
    "على في من",  # stopwords only: no terms, no positions
    "غارات على حلب وقصف عنيف في ريف إدلب",
    # alternative stems at one position: a pronoun on ت, the conjunction before لل
    "سفارتها قواته وللحكومة وبالتحالف للاجئين",
    "صلى النبي ﷺ في المسجد",  # a ligature expanding to several words at one position
    "Foreign Ministers met in Washington, 2014; ٢٠١٤ و ۲۰۱۴",
    "قَصْف الجيـــش مستشفى سوريه أطفال",
    "قصف قصف قصف حلب",
    SEED.read_text(encoding="utf-8")[:20_000],
]


def _whoosh(text: str, stem: bool) -> dict[str, list[int]]:
    analyzer = stemmed_analyzer() if stem else exact_analyzer()
    found: dict[str, list[int]] = {}
    for token in analyzer(text, positions=True):  # index mode: every alternative stem
        found.setdefault(token.text, []).append(token.pos)
    return found


@pytest.mark.parametrize("stem", [True, False], ids=["stemmed", "exact"])
@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_term_positions_are_what_the_whoosh_analyzers_index(text, stem):
    expected = _whoosh(text, stem)
    positions, length = fields.term_positions(text, stem=stem)
    assert positions == expected
    # A field's length counts its terms, alternative stems included (Whoosh's field length).
    assert length == sum(len(at) for at in expected.values())


@pytest.mark.parametrize("stem", [True, False], ids=["stemmed", "exact"])
@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_term_counts_count_the_same_terms(text, stem):
    counts, length = fields.term_counts(text, stem=stem)
    expected = _whoosh(text, stem)
    assert counts == Counter({term: len(at) for term, at in expected.items()})
    assert length == sum(counts.values())


def test_stopwords_take_no_position_and_alternative_stems_share_their_words():
    positions, length = fields.term_positions("غارات على حلب")
    assert positions == {"غار": [0], "حلب": [1]}
    assert length == 2
    positions, length = fields.term_positions("سفارتها في حلب")
    assert sorted(term for term, at in positions.items() if at == [0]) == sorted(
        fields.word_forms("سفارتها", True)
    )
    assert len(fields.word_forms("سفارتها", True)) > 1
    assert positions["حلب"] == [1]
    assert length == len(fields.word_forms("سفارتها", True)) + 1


def test_word_terms_of_a_stopword_and_of_a_word():
    assert fields.word_terms("على", True) == ()
    assert fields.word_terms("المدينة", False) == (("المدينه",),)
    assert fields.word_terms("Ministers", True) == (("minist",),)
