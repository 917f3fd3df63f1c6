"""Snippets with the matching words marked in the ORIGINAL text (diacritics and all).

The text is tokenised with the same analysis as the index, so a query for مكون marks المكوّن
exactly as written. Pure functions; output is safe HTML (only <mark> is added).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from search import arabic
from search.query import ParsedQuery, Word

SNIPPET_WORDS = 36
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=200_000)
def _word_keys(word: str) -> tuple[str, frozenset[str]]:
    """(normalised form, stems) of one original word; cached because news vocabulary repeats."""
    if arabic.is_stopword(word):
        return "", frozenset()
    exact = arabic.normalize(word)
    return exact, frozenset(arabic.term_stems(exact)) if exact else frozenset()


class Matcher:
    """Finds the words of a text that the query matched.

    Single words and prefixes are marked wherever they occur; the words of a phrase only where
    they stand together in order, so "قوات سوريا الديمقراطية" does not light up every سوريا.
    """

    def __init__(self, query: ParsedQuery):
        self.stems: set[str] = set()
        self.exact: set[str] = set()
        self.prefixes: list[str] = []
        self.phrases: list[list[Word]] = []
        for clause in query.positive_clauses():
            if clause.kind == "prefix":
                self.prefixes.append(clause.words[0].exact)
            elif clause.kind == "phrase":
                self.phrases.append(list(clause.words))
            else:
                self.exact.add(clause.words[0].exact)
                self.stems.update(clause.words[0].stems)

    def _word_matches(self, word: str) -> bool:
        exact, stems = _word_keys(word)
        if not exact:
            return False
        if exact in self.exact or not stems.isdisjoint(self.stems):
            return True
        return any(exact.startswith(prefix) for prefix in self.prefixes)

    def marked(self, tokens: list[arabic.Token]) -> set[int]:
        # Decide once per distinct word: a text repeats its vocabulary many times over.
        verdicts: dict[str, bool] = {}
        marked = set()
        for i, token in enumerate(tokens):
            verdict = verdicts.get(token.text)
            if verdict is None:
                verdict = verdicts[token.text] = self._word_matches(token.text)
            if verdict:
                marked.add(i)
        if self.phrases:
            # Positions of the words that count (stopwords are skipped, as in the index).
            content = [i for i, token in enumerate(tokens) if _word_keys(token.text)[0]]
            for phrase in self.phrases:
                marked.update(_phrase_hits(tokens, content, phrase))
        return marked


def _same_word(token_text: str, word: Word) -> bool:
    exact, stems = _word_keys(token_text)
    return exact == word.exact or not stems.isdisjoint(word.stems)


def _phrase_hits(tokens, content: list[int], phrase: list[Word]) -> set[int]:
    hits: set[int] = set()
    size = len(phrase)
    first, rest = phrase[0], phrase[1:]
    for start in range(len(content) - size + 1):
        if not _same_word(tokens[content[start]].text, first):
            continue
        window = content[start : start + size]
        if all(_same_word(tokens[i].text, w) for i, w in zip(window[1:], rest, strict=True)):
            hits.update(range(window[0], window[-1] + 1))
    return hits


def _render(text: str, tokens, marked: set[int], first: int, last: int) -> str:
    """HTML for tokens[first..last] with the original text between them.

    Neighbouring marked words share one <mark>, so a phrase reads as one highlight.
    """
    pieces = []
    position = tokens[first].start
    open_mark = False
    for index in range(first, last + 1):
        token = tokens[index]
        gap = escape(_SPACES.sub(" ", text[position : token.start]))
        if open_mark and index not in marked:
            pieces.append("</mark>")
            open_mark = False
        pieces.append(gap)
        if index in marked and not open_mark:
            pieces.append("<mark>")
            open_mark = True
        pieces.append(escape(text[token.start : token.end]))
        position = token.end
    if open_mark:
        pieces.append("</mark>")
    html = "".join(pieces)
    # Text before the first word or after the last (a quote, a bracket) belongs to the snippet.
    html = ("… " if first > 0 else escape(text[: tokens[0].start].lstrip())) + html
    html += " …" if last < len(tokens) - 1 else escape(text[tokens[-1].end :].rstrip())
    return html


# Snippets look for their passage in the first this-many characters of the text: results
# pages highlight 20 bodies per request, and a long article's opening pages hold the gist.
SNIPPET_SCAN_CHARS = 12_000


def snippet(text: str, query: ParsedQuery | None, words: int = SNIPPET_WORDS) -> str:
    """The window of `words` words holding the most matches, as HTML; the opening if none match."""
    tokens = arabic.tokenize(text[:SNIPPET_SCAN_CHARS])
    if not tokens:
        return ""
    marked = Matcher(query).marked(tokens) if query is not None else set()
    if not marked:
        return _render(text, tokens, set(), 0, min(len(tokens), words) - 1)
    # Slide a window over the marked positions and keep the densest one.
    positions = sorted(marked)
    best_start, best_count, j = positions[0], 0, 0
    for i, start in enumerate(positions):
        while j < len(positions) and positions[j] < start + words:
            j += 1
        if j - i > best_count:
            best_start, best_count = start, j - i
    # Give the first match a little context before it.
    first = max(0, best_start - words // 6)
    last = min(len(tokens) - 1, first + words - 1)
    return _render(text, tokens, marked, first, last)


def mark_all(text: str, query: ParsedQuery | None) -> str:
    """The whole text as HTML with every matching word marked (for titles)."""
    tokens = arabic.tokenize(text)
    if not tokens or query is None:
        return escape(text)
    return _render(text, tokens, Matcher(query).marked(tokens), 0, len(tokens) - 1)
