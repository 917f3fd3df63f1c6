"""A parsed query evaluated over the postings PostgreSQL returns: matching, BM25, phrases.

The same evaluation as the Whoosh engine's (search/engine/whoosh/evaluate.py), clause by
clause and in the same order, so that both give the same documents the same scores. It works
on the documents the query's terms reach (its "universe": every posting of every term it names,
and the documents tagged with the entities it names), not on the whole index: a document
outside them can match no group. A query of exclusions only reaches every document.

What it reads, through the Store, in a few statements: the postings of every term of every
clause at once (frequency, field length, date: enough to match, score and rank), the documents
tagged with the entities named, and, for a phrase, the positions of its words in the documents
having all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.analysis import arabic
from search.analysis.query import Clause, ParsedQuery
from search.engine.contract import ALIAS_BOOST, EXACT_BOOST, MAX_PREFIX_TERMS, TITLE_BOOST
from search.engine.postgres import blocks
from search.engine.postgres.columns import Columns
from search.engine.postgres.documents import EXACT, TEXT, TITLE
from search.engine.postgres.scoring import average_length, bm25, idf, stored_lengths
from search.engine.postgres.store import EMPTY_POSTINGS, Postings, Store, Totals


@dataclass
class Evaluation:
    """The documents a query reached (article ids ascending, their dates), which of them
    match it, and their scores (float32)."""

    ids: np.ndarray
    days: np.ndarray
    matched: np.ndarray
    scores: np.ndarray
    capped_prefixes: list[str]


class Evaluator:
    """A ParsedQuery over the documents its terms reach: which match, and how well."""

    def __init__(self, store: Store, totals: Totals, held: Columns | None = None):
        self.store = store
        self.totals = totals
        self.held = held  # every document's date, when the process holds it
        self.averages = {
            field: average_length(totals.length(field), totals.documents)
            for field in (TEXT, TITLE, EXACT)
        }
        self.postings: dict[tuple[int, str], Postings] = {}
        self.tagged: dict[tuple[str, str], Postings] = {}
        self.prefixes: dict[str, list[str]] = {}
        self.capped_prefixes: list[str] = []  # prefixes cut to MAX_PREFIX_TERMS forms
        self.ids = np.zeros(0, dtype=np.int64)
        self.days = np.zeros(0, dtype=np.int64)

    @property
    def size(self) -> int:
        return len(self.ids)

    # --- reading ----------------------------------------------------------------------------

    def _read(self, parsed: ParsedQuery) -> None:
        """Read every posting the query's clauses need, and set the universe."""
        keys: list[tuple[int, str]] = []
        entities: list[tuple[str, str]] = []
        for clause in [*parsed.positive_clauses(), *parsed.excluded]:
            if clause.kind == "prefix":
                prefix = clause.words[0].exact
                if prefix not in self.prefixes:
                    self.prefixes[prefix] = self.prefix_terms(prefix)
                keys += [(EXACT, term) for term in self.prefixes[prefix]]
            elif clause.kind == "phrase":
                keys += [(TEXT, word.stems[0]) for word in clause.words]
            else:
                word = clause.words[0]
                for stem in word.stems:
                    keys += [(TEXT, stem), (TITLE, stem)]
                keys.append((EXACT, word.exact))
            entities += clause.entities
        self.postings = self.store.postings(list(dict.fromkeys(keys)))
        self.tagged = self._tagged(dict.fromkeys(entities))
        if not parsed.groups:
            # Exclusions only: every other document matches.
            if self.held is not None:
                self.ids, self.days = self.held.ids, self.held.days
            else:
                self.ids, self.days = self.store.all_documents()
            return
        reached = [p for p in (*self.postings.values(), *self.tagged.values()) if len(p.ids)]
        if not reached:
            return
        self.ids, self.days = _union(
            np.concatenate([p.ids for p in reached]), np.concatenate([p.days for p in reached])
        )

    def _tagged(self, entities: dict[tuple[str, str], None]) -> dict[tuple[str, str], Postings]:
        """The documents tagged with each (facet, value): from the columns the process holds
        when it holds them (a place named in most articles is tens of thousands of rows to
        collect in SQL, a fifth of a search's time), else from the database."""
        if self.held is None:
            return self.store.tagged(entities)
        found = {}
        for kind, key in entities:
            mask = self.held.having(kind, [key])
            ids = self.held.ids[mask]
            ones = np.ones(len(ids), dtype=np.int64)
            found[kind, key] = Postings(ids, ones, ones, self.held.days[mask])
        return found

    def prefix_terms(self, prefix: str) -> list[str]:
        found: dict[str, int] = {}
        for form in arabic.prefix_forms(prefix):
            for term, documents in self.store.expand_prefix(form):
                found.setdefault(term, documents)
        terms = list(found)
        if len(terms) > MAX_PREFIX_TERMS:
            terms.sort(key=lambda term: (-found[term], term))
            terms = terms[:MAX_PREFIX_TERMS]
            self.capped_prefixes.append(prefix)
        return terms

    def _at(self, ids: np.ndarray) -> np.ndarray:
        """Positions in the universe of these article ids (all of them in it)."""
        return np.searchsorted(self.ids, ids)

    # --- scoring, as search/engine/whoosh/evaluate.py -----------------------------------------

    def _bm25(self, scores: np.ndarray, field: int, text: str, boost: float = 1.0) -> int:
        """Add one term's BM25 contribution to `scores`; returns how many documents have it."""
        postings = self.postings.get((field, text), EMPTY_POSTINGS)
        having = len(postings.ids)
        if not having:
            return 0
        frequency = postings.tf.astype(np.float32)
        lengths = stored_lengths(postings.lengths)
        contribution = bm25(
            frequency, lengths, self.averages[field], idf(self.totals.documents, having), boost
        )
        scores[self._at(postings.ids)] += contribution
        return having

    def _flat(self, scores: np.ndarray, kind: str, key: str, boost: float) -> int:
        """Add an entity tag's weight: its idf, the same for every document tagged."""
        tagged = self.tagged.get((kind, key), EMPTY_POSTINGS)
        having = len(tagged.ids)
        if having:
            scores[self._at(tagged.ids)] += boost * idf(self.totals.documents, having)
        return having

    def clause(self, clause: Clause) -> tuple[np.ndarray, np.ndarray]:
        scores = np.zeros(self.size, dtype=np.float32)
        if clause.kind == "prefix":
            for term in self.prefixes[clause.words[0].exact]:
                self._bm25(scores, EXACT, term)
            matched = scores > 0
        elif clause.kind == "phrase":
            matched = self.phrase(clause)
            if matched.any():
                for word in clause.words:
                    self._bm25(scores, TEXT, word.stems[0])
                scores[~matched] = 0
        else:
            word = clause.words[0]
            for stem in word.stems:
                self._bm25(scores, TEXT, stem)
                self._bm25(scores, TITLE, stem, TITLE_BOOST)
            self._bm25(scores, EXACT, word.exact, EXACT_BOOST)
            matched = scores > 0
        if clause.entities:
            # Whatever name an article uses for the entity, its tag matches.
            for kind, key in clause.entities:
                self._flat(scores, kind, key, ALIAS_BOOST)
            matched = scores > 0
        return matched, scores

    def phrase(self, clause: Clause) -> np.ndarray:
        """Documents with the phrase's words in order, each right after the one before (the
        first stem of each word, at any of the positions the text holds it; stopwords take no
        position, in the text as in the query)."""
        matched = np.zeros(self.size, dtype=bool)
        stems = [word.stems[0] for word in clause.words]
        candidates = None
        for stem in stems:
            ids = self.postings.get((TEXT, stem), EMPTY_POSTINGS).ids
            candidates = (
                ids if candidates is None else np.intersect1d(candidates, ids, assume_unique=True)
            )
        if candidates is None or not len(candidates):
            return matched
        positions = self.store.positions(stems, candidates)
        # Article ids as they are when they fit beside a position in 64 bits, else their
        # places in the universe (a search over millions of positions to map them).
        by_id = int(candidates[-1]) < 2**31

        def places(stem: str) -> np.ndarray:
            """(document << 32 | position) of each place the stem is, ascending."""
            held, at = positions[stem]
            return _ascending((held if by_id else self._at(held)) << 32 | at)

        ends = places(stems[0])
        for stem in stems[1:]:
            following = places(stem)
            ends = following[blocks.among(following - 1, ends)]
            if not len(ends):
                return matched
        documents = np.unique(ends >> 32)
        matched[self._at(documents) if by_id else documents] = True
        return matched

    def evaluate(self, parsed: ParsedQuery) -> Evaluation:
        """Documents matching every group and no exclusion, and their scores."""
        self._read(parsed)
        size = self.size
        matched = np.ones(size, dtype=bool)
        scores = np.zeros(size, dtype=np.float32)
        for group in parsed.groups:
            group_matched = np.zeros(size, dtype=bool)
            for clause in group:
                clause_matched, clause_scores = self.clause(clause)
                group_matched |= clause_matched
                scores += clause_scores
            matched &= group_matched
        for clause in parsed.excluded:
            matched &= ~self.clause(clause)[0]
        return Evaluation(self.ids, self.days, matched, scores, self.capped_prefixes)


def _ascending(keys: np.ndarray) -> np.ndarray:
    """The keys ascending, each once: as they are when they already are (the store returns a
    document's positions in order, documents in order), which is the case to make cheap."""
    if len(keys) < 2 or bool((keys[1:] > keys[:-1]).all()):
        return keys
    return np.unique(keys)


def _union(ids: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct article ids ascending, each with its date (a document's postings all
    carry the same one). Marked in an array as long as the largest id when that is not much
    longer than the list (350,000 postings of 100,000 articles: 1.2 ms, np.unique 14 ms)."""
    top = int(ids.max())
    if top > 8 * len(ids) + 1_000_000:
        distinct, first = np.unique(ids, return_index=True)
        return distinct, days[first]
    day_of = np.full(top + 1, -1, dtype=np.int64)
    day_of[ids] = days
    distinct = np.flatnonzero(day_of >= 0)
    return distinct, day_of[distinct]
