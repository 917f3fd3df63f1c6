"""A contract document as the rows the PostgreSQL engine stores. Pure: no database here.

The analysis is search.analysis.fields, the Whoosh engine's word for word: the stemmed text
(each stem at its word's position), the title (stemmed) and the exact forms of the text, with
each field's length counted in terms as Whoosh counts it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from search.analysis.fields import term_counts, term_positions
from search.engine.contract import FACETS, IndexDocument, fingerprint
from search.engine.ordering import UNKNOWN_DAY_LAST

# The posting fields (search_pg_block.field).
TEXT, TITLE, EXACT = 0, 1, 2
# Terms longer than this (in UTF-8) are counted in their field's length but not indexed: a
# PostgreSQL index entry holds at most ~2.7 kB, and no query word can be this long (a query is
# at most 500 characters, a character at most 4 bytes).
MAX_TERM_BYTES = 2000


def indexable(term: str) -> bool:
    return len(term) * 4 <= MAX_TERM_BYTES or len(term.encode("utf-8")) <= MAX_TERM_BYTES


@dataclass
class DocumentRows:
    """What one document stores: its row, and its terms for the postings and the lexicon."""

    id: int
    day: int
    text_length: int
    title_length: int
    exact_length: int
    facets: dict[str, list[str]]  # every facet of FACETS, values unique, in order
    text: dict[str, list[int]]  # stem → positions
    title: Counter[str]  # stem → occurrences
    exact: Counter[str]  # normalised form → occurrences
    fingerprint: str = ""  # contract.fingerprint() of the document

    def postings(self):
        """(field, term, tf, positions) of every indexed term."""
        for term, positions in self.text.items():
            if indexable(term):
                yield TEXT, term, len(positions), positions
        for field, counts in ((TITLE, self.title), (EXACT, self.exact)):
            for term, tf in counts.items():
                if indexable(term):
                    yield field, term, tf, None


def facet_values(values) -> list[str]:
    """A facet's values as the index holds them: verbatim, each once, none empty."""
    return [value for value in dict.fromkeys(values) if value]


def rows_of(document: IndexDocument) -> DocumentRows:
    text, text_length = term_positions(document.text, stem=True)
    title, title_length = term_counts(document.title, stem=True)
    exact, exact_length = term_counts(document.text, stem=False)
    return DocumentRows(
        id=document.id,
        # As Whoosh reads a date back: one it cannot hold is unknown.
        day=document.day if 0 < (document.day or 0) <= UNKNOWN_DAY_LAST else 0,
        text_length=text_length,
        title_length=title_length,
        exact_length=exact_length,
        facets={name: facet_values(document.facets.get(name, ())) for name in FACETS},
        text=text,
        title=title,
        exact=exact,
        fingerprint=fingerprint(document),
    )
