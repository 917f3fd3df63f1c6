"""Whoosh analyzers built on search.analysis.arabic.

Every class is module-level and keeps only plain attributes, because Whoosh pickles the
schema (analyzers included) into the index's table of contents.
"""

from __future__ import annotations

import functools

from whoosh.analysis import Filter, Token, Tokenizer

from search.analysis import arabic
from search.analysis.fields import word_terms  # one word's terms, shared by every engine

__all__ = [
    "ArabicLowercaseFilter",
    "ArabicNormalizeFilter",
    "ArabicStemFilter",
    "ArabicStopFilter",
    "ArabicTokenizer",
    "FusedArabicAnalyzer",
    "chained_exact_analyzer",
    "chained_stemmed_analyzer",
    "exact_analyzer",
    "stemmed_analyzer",
    "word_terms",
    "words",
]


class ArabicTokenizer(Tokenizer):
    """Words as found by ``arabic.tokenize``; startchar/endchar point into the original text."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        assert isinstance(value, str), f"{value!r} is not a str"
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Whoosh asks for the whole value as one token, e.g. for wildcard and range text.
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        for pos, word in enumerate(arabic.iter_tokens(value)):
            t.text = word.text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = word.text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + word.start
                t.endchar = start_char + word.end
            yield t


class ArabicLowercaseFilter(Filter):
    """Lowercase and fold every kind of decimal digit to ASCII."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = arabic.fold_digits(t.text.lower())
            yield t


class ArabicStopFilter(Filter):
    """Drop (or, with ``removestops=False``, mark) Lucene's Arabic stopwords.

    Runs before normalisation because the list tells على (stopword) from علي (a name).
    Like Whoosh's StopFilter, ``renumber`` closes the position gaps so that a phrase
    query with its stopwords removed still matches consecutive positions.
    """

    def __init__(self, renumber=True):
        self.renumber = renumber

    def __call__(self, tokens):
        pos = None
        for t in tokens:
            if not arabic.is_stopword(t.text):
                if self.renumber and t.positions:
                    if pos is None:
                        pos = t.pos
                    else:
                        pos += 1
                        t.pos = pos
                t.stopped = False
                yield t
            elif not t.removestops:
                t.stopped = True
                yield t


class ArabicNormalizeFilter(Filter):
    """``arabic.normalize`` each token; tokens that normalise to nothing are dropped."""

    def __call__(self, tokens):
        for t in tokens:
            # Several terms only for a ligature such as ﷺ; they share the token's position.
            for term in arabic.token_terms(t.text):
                t.text = term
                yield t


class ArabicStemFilter(Filter):
    """Replace each term by its stem, then add alternative stems at the same position.

    Alternatives are emitted when indexing but not, by default, for queries: Whoosh joins
    the several tokens of one query word with AND (and a phrase query would read them as
    consecutive words), so the query keeps the single Lucene stem and relies on the index
    holding every stem of each document word.  Call the analyzer with
    ``stem_alternatives=True`` to get them in query mode too (they are then the terms to
    OR together at each position), or ``False`` to suppress them when indexing.
    """

    is_morph = True

    def __call__(self, tokens):
        for t in tokens:
            found = arabic.term_stems(t.text)
            t.text = found[0]
            yield t
            if len(found) > 1:
                wanted = getattr(t, "stem_alternatives", None)
                if wanted is None:
                    wanted = getattr(t, "mode", "") != "query"
                if wanted:
                    for alternative in found[1:]:
                        t.text = alternative
                        yield t


@functools.lru_cache(maxsize=8)
def words(value: str) -> tuple[str, ...]:
    # An article's text goes through the stemmed and the exact field one after the other:
    # split it once.
    return tuple(arabic.words(value))


class FusedArabicAnalyzer(Tokenizer):
    """Tokenizer | lowercase | stopwords | normalise (| stem) in one pass, same output.

    Equivalent to the filter chain (tests compare them); used for the index because it is
    several times faster. Positions skip stopwords like ArabicStopFilter(renumber=True), and
    alternative stems share their word's position (index mode only, as ArabicStemFilter).
    """

    def __init__(self, stem: bool = True):
        self.stem = stem
        self.is_morph = stem

    def __eq__(self, other):
        return type(other) is type(self) and other.stem == self.stem

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        assert isinstance(value, str), f"{value!r} is not a str"
        if not tokenize:
            yield from ArabicTokenizer()(
                value,
                positions,
                chars,
                keeporiginal,
                removestops,
                start_pos,
                start_char,
                tokenize,
                mode,
                **kwargs,
            )
            return
        alternatives = kwargs.get("stem_alternatives")
        if alternatives is None:
            alternatives = mode != "query"
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        t.stopped = False
        pos = start_pos
        if not chars and not keeporiginal and removestops:
            # What indexing asks for: words and positions only, so no offsets to compute.
            stem = self.stem
            for word in words(value):
                terms = word_terms(word, stem)
                if not terms:  # a stopword, or nothing left after normalising
                    continue
                if positions:
                    t.pos = pos
                for forms in terms:
                    t.text = forms[0]
                    yield t
                    if alternatives and len(forms) > 1:
                        for form in forms[1:]:
                            t.text = form
                            yield t
                pos += 1
            return
        for word in arabic.iter_tokens(value):
            terms = word_terms(word.text, self.stem)
            if not terms:
                if not removestops:  # asked to see stopwords: marked, not counted
                    t.text, t.stopped = arabic.normalize(word.text), True
                    if positions:
                        t.pos = pos
                    if chars:
                        t.startchar = start_char + word.start
                        t.endchar = start_char + word.end
                    yield t
                    t.stopped = False
                continue
            if keeporiginal:
                t.original = word.text
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + word.start
                t.endchar = start_char + word.end
            for forms in terms:
                t.text = forms[0]
                yield t
                if alternatives:
                    for form in forms[1:]:
                        t.text = form
                        yield t
            pos += 1


def exact_analyzer():
    """Normalised surface forms, no stemming (for the boosted exact-form field)."""
    return FusedArabicAnalyzer(stem=False)


def stemmed_analyzer():
    """Lucene ArabicAnalyzer equivalent plus alternative stems at index time."""
    return FusedArabicAnalyzer(stem=True)


def chained_exact_analyzer():
    """The same as exact_analyzer() as a chain of separate Whoosh filters (reference)."""
    return (
        ArabicTokenizer() | ArabicLowercaseFilter() | ArabicStopFilter() | ArabicNormalizeFilter()
    )


def chained_stemmed_analyzer():
    """The same as stemmed_analyzer() as a chain of separate Whoosh filters (reference)."""
    return chained_exact_analyzer() | ArabicStemFilter()
