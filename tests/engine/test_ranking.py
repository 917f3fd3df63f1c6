"""Relevance scores are the contract's BM25, checked against values worked out by hand.

The contract (search.engine.contract.SearchEngine): BM25 with k1=1.2 and b=0.75 over the
stemmed text, plus the title weighted 2, plus the exact (unstemmed, normalised) form weighted
1.5, plus half weight for documents tagged with an entity the clause names. For a word w and a
document d, summed over the clauses of the query that d matches:

    score = bm25(text, stem) + 2 · bm25(title, stem) + 1.5 · bm25(exact, form) [+ 0.5 · tag]
    bm25(field, t) = idf(t) · tf · (k1 + 1) / (tf + k1 · (1 − b + b · len(d) / avglen))
    idf(t) = ln(1 + (N − n + 0.5) / (n + 0.5))

with N the documents in the index, n those having t in that field, tf the occurrences of t in
d's field, len(d) its words in that field (stopwords left out) and avglen the mean over the
documents. A tag is scored as one occurrence in a document of average length (which is idf),
at half weight.

The corpus is four short documents whose every word has a single stem, so the three fields
have the lengths written beside them (short enough for any engine to store them exactly).
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from search.analysis import arabic
from search.analysis.query import ParsedQuery, parse_query
from tests.engine import doc, search

K1 = 1.2
B = 0.75
TITLE = 2.0
EXACT = 1.5
ALIAS = 0.5


def idf(documents: int, having: int) -> float:
    return math.log(1 + (documents - having + 0.5) / (having + 0.5))


def bm25(tf: int, having: int, length: float, average: float, documents: int) -> float:
    return idf(documents, having) * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))


# (document, words in its text, words in its title); the text begins with the title, as the
# index writer's does.
CORPUS = [
    (doc(1, "قصف حلب\nقصف عنيف الليلة", title="قصف حلب"), 5, 2),
    (doc(2, "هدوء حذر في حلب\nاليوم", title="هدوء حذر في حلب"), 4, 3),
    (doc(3, "غارات على ادلب\nجوية القصف", title="غارات على ادلب", org=["isis"]), 4, 2),
    (doc(4, "بيان رسمي\nعن القصف", title="بيان رسمي", org=["isis"]), 3, 2),
]


class Stats:
    """The corpus's N and average lengths, and a BM25 per field for it."""

    def __init__(self, corpus):
        self.documents = len(corpus)
        self.text_average = sum(text for _, text, _ in corpus) / len(corpus)
        self.title_average = sum(title for _, _, title in corpus) / len(corpus)

    def text(self, tf, having, length):
        return bm25(tf, having, length, self.text_average, self.documents)

    def title(self, tf, having, length):
        return TITLE * bm25(tf, having, length, self.title_average, self.documents)

    def exact(self, tf, having, length):
        # The exact forms of the same words: the same lengths as the text here.
        return EXACT * bm25(tf, having, length, self.text_average, self.documents)

    def tag(self, having):
        return ALIAS * bm25(1, having, self.text_average, self.text_average, self.documents)


FULL = Stats(CORPUS)


def _checked(corpus):
    """The documents, after checking the lengths written beside them (every word one stem)."""
    for document, text_words, title_words in corpus:
        for value, words in ((document.text, text_words), (document.title, title_words)):
            forms = arabic.analyze_exact(value)
            assert len(forms) == words, (value, forms)
            assert all(len(arabic.term_stems(form)) == 1 for form in forms), forms
    return [document for document, _, _ in corpus]


@pytest.fixture
def corpus(engine):
    engine.apply(_checked(CORPUS), [])
    return engine


def scores(engine, query) -> dict[int, float]:
    hits = search(engine, query)
    return dict(zip(hits.ids, hits.scores, strict=True))


def _named(text: str, *entities: tuple[str, str]) -> ParsedQuery:
    parsed = parse_query(text)
    ((clause,),) = parsed.groups
    return ParsedQuery(groups=[[replace(clause, entities=entities)]])


def test_a_word_scores_in_the_text_the_title_and_its_exact_form(corpus):
    # قصف: stem in the text of 1 (twice), 3 and 4; in the title of 1; exact form only in 1
    # (3 and 4 write القصف).
    expected = {
        1: FULL.text(2, 3, 5) + FULL.title(1, 1, 2) + FULL.exact(2, 1, 5),
        4: FULL.text(1, 3, 3),
        3: FULL.text(1, 3, 4),
    }
    hits = search(corpus, "قصف")
    assert hits.ids == [1, 4, 3]
    assert hits.scores == pytest.approx([expected[1], expected[4], expected[3]], rel=1e-4)


def test_the_exact_form_typed_weighs_where_the_text_uses_it(corpus):
    # القصف: the same stem, but the exact form is in 3 and 4, not in 1.
    expected = {
        1: FULL.text(2, 3, 5) + FULL.title(1, 1, 2),
        3: FULL.text(1, 3, 4) + FULL.exact(1, 2, 4),
        4: FULL.text(1, 3, 3) + FULL.exact(1, 2, 3),
    }
    assert scores(corpus, "القصف") == pytest.approx(expected, rel=1e-4)
    assert search(corpus, "القصف").ids == [1, 4, 3]


def test_a_word_in_a_shorter_title_weighs_more(corpus):
    # حلب: in the text of 1 (5 words) and 2 (4 words), and in both titles (2 and 3 words).
    expected = {
        1: FULL.text(1, 2, 5) + FULL.title(1, 2, 2) + FULL.exact(1, 2, 5),
        2: FULL.text(1, 2, 4) + FULL.title(1, 2, 3) + FULL.exact(1, 2, 4),
    }
    assert scores(corpus, "حلب") == pytest.approx(expected, rel=1e-4)


def test_the_scores_of_anded_words_add_up(corpus):
    expected = (
        FULL.text(2, 3, 5)
        + FULL.title(1, 1, 2)
        + FULL.exact(2, 1, 5)
        + FULL.text(1, 2, 5)
        + FULL.title(1, 2, 2)
        + FULL.exact(1, 2, 5)
    )
    assert scores(corpus, "قصف حلب") == pytest.approx({1: expected}, rel=1e-4)


def test_or_scores_each_document_by_the_words_it_has(corpus):
    expected = {
        1: FULL.text(1, 2, 5) + FULL.title(1, 2, 2) + FULL.exact(1, 2, 5),
        2: FULL.text(1, 2, 4) + FULL.title(1, 2, 3) + FULL.exact(1, 2, 4),
        3: FULL.text(1, 1, 4) + FULL.title(1, 1, 2) + FULL.exact(1, 1, 4),
    }
    assert scores(corpus, "حلب OR ادلب") == pytest.approx(expected, rel=1e-4)
    assert search(corpus, "حلب OR ادلب").ids == [3, 1, 2]


def test_an_excluded_word_adds_nothing(corpus):
    assert scores(corpus, "قصف -حلب") == pytest.approx(
        {4: FULL.text(1, 3, 3), 3: FULL.text(1, 3, 4)}, rel=1e-4
    )


def test_a_tag_of_an_entity_the_clause_names_weighs_half(corpus):
    # Neither 3 nor 4 says داعش; both are tagged with it.
    assert scores(corpus, _named("داعش", ("org", "isis"))) == pytest.approx(
        {3: FULL.tag(2), 4: FULL.tag(2)}, rel=1e-4
    )
    # Tied: no dates, so the higher id first.
    assert search(corpus, _named("داعش", ("org", "isis"))).ids == [4, 3]


def test_a_tag_adds_to_the_words_score(corpus):
    expected = {
        1: FULL.text(2, 3, 5) + FULL.title(1, 1, 2) + FULL.exact(2, 1, 5),
        3: FULL.text(1, 3, 4) + FULL.tag(2),
        4: FULL.text(1, 3, 3) + FULL.tag(2),
    }
    assert scores(corpus, _named("قصف", ("org", "isis"))) == pytest.approx(expected, rel=1e-4)


def test_a_document_without_the_words_scores_nothing_and_is_not_listed(corpus):
    assert scores(corpus, "هدوء") == pytest.approx(
        {2: FULL.text(1, 1, 4) + FULL.title(1, 1, 3) + FULL.exact(1, 1, 4)}, rel=1e-4
    )


def test_scores_count_only_the_documents_the_index_holds(engine):
    # 1 and 4 applied again unchanged, 2 deleted: N, n and the average lengths are those of
    # the three documents left, whatever their older versions were.
    documents = _checked(CORPUS)
    engine.apply(documents, [])
    engine.apply([documents[3], documents[0]], [2])
    left = Stats([row for row in CORPUS if row[0].id != 2])
    expected = {
        1: left.text(2, 3, 5) + left.title(1, 1, 2) + left.exact(2, 1, 5),
        3: left.text(1, 3, 4),
        4: left.text(1, 3, 3),
    }
    assert scores(engine, "قصف") == pytest.approx(expected, rel=1e-4)
    # حلب only in 1 now.
    assert scores(engine, "حلب") == pytest.approx(
        {1: left.text(1, 1, 5) + left.title(1, 1, 2) + left.exact(1, 1, 5)}, rel=1e-4
    )
    assert scores(engine, _named("داعش", ("org", "isis"))) == pytest.approx(
        {3: left.tag(2), 4: left.tag(2)}, rel=1e-4
    )
