"""Property tests (hypothesis) of the analysis: normaliser, stemmers, plurals, query parser.

What a reader types and what a scraper stores can be anything; none of it may raise, the
normalisers must be idempotent (the index and the query normalise the same word again), and
an Arabic word that is not a stopword always leaves a term to find it by.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from search.analysis import arabic, plurals
from search.analysis.english import english_stem
from search.analysis.query import MAX_CLAUSES, parse_query
from tests.fuzz.strategies import arabic_word, mixed_text, query_text


@given(mixed_text)
def test_normalize_is_idempotent(text):
    once = arabic.normalize(text)
    assert arabic.normalize(once) == once


@given(mixed_text)
def test_strip_diacritics_and_fold_digits_are_idempotent(text):
    stripped = arabic.strip_diacritics(text)
    assert arabic.strip_diacritics(stripped) == stripped
    folded = arabic.fold_digits(text)
    assert arabic.fold_digits(folded) == folded


@given(mixed_text)
def test_every_word_of_any_text_stems_without_raising(text):
    for term in arabic.analyze_exact(text):
        assert term
        assert all(arabic.term_stems(term))
        assert all(arabic.stems(term))
        arabic.stem(term)
        plurals.singulars(term)
    arabic.analyze(text)
    arabic.fingerprint(text)
    arabic.detect_language(text)


@given(st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), max_size=20))
def test_english_stem_never_empties_a_word(word):
    assert bool(english_stem(word)) == bool(word)


@given(
    arabic_word,
    st.sampled_from(["", "ال", "و", "وال", "بال", "لل", "ف"]),
    st.sampled_from(["", "ها", "هم", "ات", "ين", "ون", "ة", "ه", "ي", "ان"]),
)
def test_an_arabic_word_that_is_not_a_stopword_always_leaves_a_term(word, before, after):
    token = before + word + after
    if arabic.is_stopword(token):
        return
    terms = arabic.token_terms(token)
    assert terms, token
    for term in terms:
        stems = arabic.term_stems(term)
        assert stems and all(stems), (token, stems)
        assert arabic.stem(term), (token, term)
    assert arabic.analyze(token) and all(arabic.analyze(token))


@given(mixed_text)
def test_any_token_of_any_text_is_found_by_the_same_word_typed_again(text):
    """Query words are analysed as the index analyses text: the same token gives the same
    exact form whether it is indexed (analyze_exact) or typed (parse_query)."""
    for token in arabic.tokenize(text):
        if arabic.is_stopword(token.text):
            continue
        indexed = arabic.token_terms(token.text)
        if len(indexed) != 1:
            continue
        words = parse_query(token.text).words()
        assert [word.exact for word in words] in ([], indexed)


@given(query_text)
def test_the_query_parser_never_raises_and_keeps_its_limits(text):
    parsed = parse_query(text)
    clauses = [*parsed.positive_clauses(), *parsed.excluded]
    assert len(clauses) <= MAX_CLAUSES
    for clause in clauses:
        assert clause.kind in ("term", "phrase", "prefix")
        assert clause.words
        assert all(word.exact and word.stems and all(word.stems) for word in clause.words)
        if clause.kind == "prefix":
            assert len(clause.words[0].exact) >= 2
        # What a clause shows a reader (a suggestion, say) parses back to the same words.
        again = parse_query(clause.text).positive_clauses()
        assert [(c.kind, c.words) for c in again] in ([(clause.kind, clause.words)], [])


@given(st.text(max_size=600))
def test_the_query_parser_takes_any_unicode(text):
    parse_query(text)
