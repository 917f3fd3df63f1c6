"""What a text field indexes: each term of a text at its position, the same for every engine.

A document's text is indexed twice: stemmed (every alternative stem of a word at that word's
position, for matching, phrases and BM25) and exact (the normalised, unstemmed forms). Both
go word by word through arabic.py: lowercase, fold digits, drop stopwords, normalise, stem.
Stopwords take no position (the next word takes theirs), in documents as in queries
(query.analyse_words), so a phrase with a stopword inside matches its other words adjacent.

A field's length is the number of terms it holds: a word with two stems counts twice, as
Whoosh counts a field's tokens, so BM25 lengths agree between engines. Pure functions.
"""

from __future__ import annotations

import functools
from collections import Counter
from itertools import chain

from search.analysis import arabic

__all__ = ["term_counts", "term_positions", "word_forms", "word_terms"]


@functools.lru_cache(maxsize=500_000)
def word_terms(word: str, stem: bool) -> tuple[tuple[str, ...], ...]:
    """What one word of the text becomes: per normalised term, its stems (or itself).

    Lowercase, digits, stopwords, normalise (and stem) for one word at once, cached: news
    vocabulary repeats. Usually one term; several when one character expands to words (ﷺ);
    empty for a stopword or a word that normalises away.
    """
    text = arabic.fold_digits(word.lower())
    if arabic.is_stopword(text):
        return ()
    terms = arabic.token_terms(text)
    if not stem:
        return tuple((term,) for term in terms)
    return tuple(tuple(arabic.term_stems(term)) for term in terms)


@functools.lru_cache(maxsize=500_000)
def word_forms(word: str, stem: bool) -> tuple[str, ...]:
    """Every term one word is indexed under, flattened (each of its stems, or its forms)."""
    return tuple(chain.from_iterable(word_terms(word, stem)))


def term_positions(text: str, *, stem: bool = True) -> tuple[dict[str, list[int]], int]:
    """Each term of `text` → its positions (0 for the first word that is not a stopword), and
    the field's length (how many terms it holds).

    Every term of a word shares the word's position: its alternative stems, and the words a
    ligature expands to. A term at one position twice is listed twice (it counts twice).
    """
    found = arabic.words(text)
    forms_of = _forms_of(found, stem)
    positions: dict[str, list[int]] = {}
    length = 0
    position = 0
    for word in found:
        forms = forms_of[word]
        if not forms:
            continue
        for form in forms:
            at = positions.get(form)
            if at is None:
                positions[form] = [position]
            else:
                at.append(position)
        length += len(forms)
        position += 1
    return positions, length


def term_counts(text: str, *, stem: bool = False) -> tuple[Counter[str], int]:
    """Each term of `text` → how often it occurs, and the field's length (see term_positions)."""
    found = arabic.words(text)
    counts = Counter(chain.from_iterable(map(_forms_of(found, stem).__getitem__, found)))
    return counts, sum(counts.values())


def _forms_of(found: list[str], stem: bool) -> dict[str, tuple[str, ...]]:
    """word_forms of each distinct word (one cache look-up each: news repeats its words)."""
    return {word: word_forms(word, stem) for word in set(found)}
