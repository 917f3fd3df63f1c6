"""A parsed query evaluated over an IndexView's arrays: matching, BM25 scoring, phrases, ranking.

The Evaluator turns a ParsedQuery (search.analysis.query) into two arrays as long as the index:
which documents match (every group, no exclusion, live) and their BM25 scores, from the posting
lists postings.py reads; `ranked` orders and slices them as the engine contract says. Reading
posting lists (postings.py) and deciding what they mean for a query are apart: this module is
where relevance is computed (K1, B and the boosts are the contract's), and it imports nothing
of Whoosh: all it reads comes through the IndexView.

Scoring is BM25 as Lucene and Whoosh compute it. Each query word is a union of its alternative
stems in the body ("text") and the title, its exact form ("exact") and the entities it names.
"""

from __future__ import annotations

import math

import numpy as np

from search.analysis import arabic
from search.analysis.query import Clause, ParsedQuery
from search.engine import ordering

# BM25 as Lucene and Whoosh use it, with the contract's weights (K1, B and the boosts). An
# article tagged with an entity the query names, under another of its names, matches, but below
# the articles using the reader's own words (ALIAS_BOOST).
from search.engine.contract import (
    ALIAS_BOOST,
    EXACT_BOOST,
    K1,
    MAX_PREFIX_TERMS,
    TITLE_BOOST,
    B,
)
from search.engine.whoosh.index_view import IndexView


def _idf(documents: int, frequency: int) -> float:
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))


class Evaluator:
    """A ParsedQuery over an IndexView: which documents match, and how well."""

    def __init__(self, view: IndexView, field_boosts: dict[str, float]):
        self.view = view
        self.field_boosts = field_boosts
        self.capped_prefixes: list[str] = []  # prefixes cut to MAX_PREFIX_TERMS forms

    def _bm25(self, scores: np.ndarray, field: str, text: str, boost: float = 1.0) -> int:
        """Add one term's BM25 contribution to `scores`; returns how many live documents have
        it. N, the term's document frequency and the average length are all over live ones."""
        view = self.view
        ids, weights = view.term(field, text)
        having = view.live_frequency(ids)
        if not having:
            return 0
        field_boost = self.field_boosts.get(field, 1.0)
        lengths, average = view.lengths(field)
        frequency = weights / field_boost if field_boost != 1.0 else weights
        norm = K1 * ((1 - B) + B * lengths[ids] / average)
        idf = _idf(view.live_count, having)
        scores[ids] += boost * idf * frequency * (K1 + 1) / (frequency + norm)
        return having

    def _flat(self, scores: np.ndarray, field: str, text: str, boost: float) -> int:
        """Add a term of an unscored (facet) field: idf only, the same for every document."""
        ids, _ = self.view.term(field, text)
        having = self.view.live_frequency(ids)
        if having:
            scores[ids] += boost * _idf(self.view.live_count, having)
        return having

    def clause(self, clause: Clause) -> tuple[np.ndarray, np.ndarray]:
        scores = np.zeros(self.view.size, dtype=np.float32)
        if clause.kind == "prefix":
            for term in self.prefix_terms(clause.words[0].exact):
                self._bm25(scores, "exact", term)
            matched = scores > 0
        elif clause.kind == "phrase":
            matched = self.phrase(clause)
            if matched.any():
                for word in clause.words:
                    self._bm25(scores, "text", word.stems[0])
                scores[~matched] = 0
        else:
            word = clause.words[0]
            for stem in word.stems:
                self._bm25(scores, "text", stem)
                self._bm25(scores, "title", stem, TITLE_BOOST)
            self._bm25(scores, "exact", word.exact, EXACT_BOOST)
            matched = scores > 0
        if clause.entities:
            # Whatever name an article uses for the entity, its tag matches.
            for kind, key in clause.entities:
                self._flat(scores, kind, key, ALIAS_BOOST)
            matched = scores > 0
        return matched, scores

    def prefix_terms(self, prefix: str) -> list[str]:
        terms: list[str] = []
        for form in arabic.prefix_forms(prefix):
            terms.extend(self.view.expand_prefix("exact", form))
        if len(terms) > MAX_PREFIX_TERMS:
            frequency = self.view.doc_frequency
            terms.sort(key=lambda term: (-frequency("exact", term), term))
            terms = terms[:MAX_PREFIX_TERMS]
            if prefix not in self.capped_prefixes:
                self.capped_prefixes.append(prefix)
        return terms

    def phrase(self, clause: Clause) -> np.ndarray:
        """Documents with the phrase's words in order, each right after the one before.

        Whoosh's Phrase (slop 1) on the stemmed field. Its positions skip stopwords
        (analyzers.py), so the stopwords a query dropped (`clause.gaps`) take no place there
        either: "غارات على حلب" is two adjacent words, and allowing a gap for the dropped على
        would also match "غارات روسية حلب".
        """
        matched = np.zeros(self.view.size, dtype=bool)
        stems = [word.stems[0] for word in clause.words]
        # The documents having every word first: positions are read only when they could match.
        candidates = np.ones(self.view.size, dtype=bool)
        for stem in stems:
            ids, _ = self.view.term("text", stem)
            present = np.zeros(self.view.size, dtype=bool)
            present[ids] = True
            candidates &= present
        if not candidates.any():
            return matched
        # Positions are decoded only where the phrase can still be: for the first word in the
        # documents having every word, then for each next word in those where the phrase so
        # far was found.
        ends = self.view.positions_among("text", stems[0], candidates)
        for stem in stems[1:]:
            still = np.zeros(self.view.size, dtype=bool)
            still[ends >> 32] = True
            following = self.view.positions_among("text", stem, still)
            ends = following[np.isin(following - 1, ends, assume_unique=True)]
            if not len(ends):
                return matched
        matched[np.unique(ends >> 32)] = True
        return matched

    def evaluate(self, parsed: ParsedQuery) -> tuple[np.ndarray, np.ndarray]:
        """(documents matching every group and no exclusion, their scores)."""
        size = self.view.size
        if parsed.groups:
            matched = np.ones(size, dtype=bool)
            scores = np.zeros(size, dtype=np.float32)
            for group in parsed.groups:
                group_matched = np.zeros(size, dtype=bool)
                for clause in group:
                    clause_matched, clause_scores = self.clause(clause)
                    group_matched |= clause_matched
                    scores += clause_scores
                matched &= group_matched
        else:
            matched = np.ones(size, dtype=bool)
            scores = np.zeros(size, dtype=np.float32)
        for clause in parsed.excluded:
            matched &= ~self.clause(clause)[0]
        matched &= self.view.live
        return matched, scores


def ranked(
    view: IndexView,
    matched: np.ndarray,
    scores: np.ndarray,
    sort: str,
    offset: int,
    limit: int | None,
) -> np.ndarray:
    """Document numbers of `matched` in the contract's order, sliced to [offset, offset + limit)."""
    return ordering.ranked(view.days(), view.article_ids(), matched, scores, sort, offset, limit)
