"""Snippets with the matching words marked in the ORIGINAL text (diacritics and all).

The text is tokenised with the same analysis as the index, so a query for مكون marks المكوّن
exactly as written. Pure functions; output is safe HTML (only <mark> is added).
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from html import escape

from search.analysis import arabic, spelling
from search.analysis.query import ParsedQuery, Word

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
                self.prefixes.extend(arabic.prefix_forms(clause.words[0].exact))
            elif clause.kind == "phrase" and len(clause.words) > 1:
                self.phrases.append(list(clause.words))
            else:
                self.exact.add(clause.words[0].exact)
                self.stems.update(clause.words[0].stems)

    @cached_property
    def _hint_pattern(self) -> re.Pattern | None:
        needles = set(self.exact) | self.stems | set(self.prefixes)
        for phrase in self.phrases:
            needles.add(phrase[0].exact)
            needles.update(phrase[0].stems)
        needles.discard("")
        # A one-letter stem (light10 can leave one) would be found everywhere: no hint then.
        if not needles or min(len(n) for n in needles) < 2:
            return None
        return spelling.spelling_regex(frozenset(needles))

    def first_hint(self, text: str, start: int = 0) -> int | None:
        """Where in the original `text`, from `start` on, a match may begin; None if nowhere.

        Every way a word can match (exact form, stem, prefix) contains the normalised form of
        a needle, so a search for any spelling of the needles finds where to look.
        """
        if start >= len(text):
            return None
        pattern = self._hint_pattern
        if pattern is None:
            has_needles = self.exact or self.stems or self.prefixes or self.phrases
            return start if has_needles else None
        found = pattern.search(text, start)
        return found.start() if found else None

    def _word_matches(self, word: str) -> bool:
        exact, stems = _word_keys(word)
        if not exact:
            return False
        if exact in self.exact or not stems.isdisjoint(self.stems):
            return True
        return exact.startswith(tuple(self.prefixes)) if self.prefixes else False

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
            keys = [_word_keys(token.text) for token in tokens]
            content = [i for i, (exact, _) in enumerate(keys) if exact]
            present = {exact for exact, _ in keys}.union(*(stems for _, stems in keys))
            for phrase in self.phrases:
                # Most phrases (an entity's other names) are nowhere in the text: skip those.
                if all(w.exact in present or not present.isdisjoint(w.stems) for w in phrase):
                    marked.update(_phrase_hits(tokens, content, phrase))
        return marked


def _same_word(token_text: str, word: Word) -> bool:
    exact, stems = _word_keys(token_text)
    return exact == word.exact or not stems.isdisjoint(word.stems)


def _phrase_hits(tokens, content: list[int], phrase: list[Word]) -> set[int]:
    hits: set[int] = set()
    size = len(phrase)
    # Whether a word is the phrase's k-th, decided once per distinct word.
    verdicts: list[dict[str, bool]] = [{} for _ in phrase]

    def same(index: int, k: int) -> bool:
        text = tokens[index].text
        verdict = verdicts[k].get(text)
        if verdict is None:
            verdict = verdicts[k][text] = _same_word(text, phrase[k])
        return verdict

    for start in range(len(content) - size + 1):
        if not same(content[start], 0):
            continue
        window = content[start : start + size]
        if all(same(index, k) for k, index in enumerate(window[1:], start=1)):
            hits.update(range(window[0], window[-1] + 1))
    return hits


def _render(
    text: str,
    tokens,
    marked: set[int],
    first: int,
    last: int,
    *,
    cut_before: bool = False,
    cut_after: bool = False,
) -> str:
    """HTML for tokens[first..last] with the original text between them.

    Neighbouring marked words share one <mark>, so a phrase reads as one highlight.
    """
    pieces = []
    position = tokens[first].start
    open_mark = False
    for index in range(first, last + 1):
        token = tokens[index]
        gap = escape(_SPACES.sub(" ", text[position : token.start]))
        # A highlight runs across spaces only: punctuation between two matches ends it.
        if open_mark and (index not in marked or gap.strip()):
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
    cut_before = cut_before or first > 0
    cut_after = cut_after or last < len(tokens) - 1
    html = ("… " if cut_before else escape(text[: tokens[0].start].lstrip())) + html
    html += " …" if cut_after else escape(text[tokens[-1].end :].rstrip())
    return html


# Snippets look for their passage in the first this-many characters of the text: results
# pages highlight 20 bodies per request, and a long article's opening pages hold the gist.
SNIPPET_SCAN_CHARS = 12_000


# The stretch read around a first match.
REGION_BEFORE_CHARS = 250
REGION_CHARS = 600
# Stretches tried before settling for the opening (each after a needle found inside a word).
REGIONS_TRIED = 4


def _tokens_between(text: str, start: int, end: int) -> list[arabic.Token]:
    """Tokens of text[start:end] with offsets into `text`; words cut by the edges dropped."""
    tokens = arabic.tokenize_span(text, start, end)
    if start > 0 and tokens and tokens[0].start == start:
        tokens = tokens[1:]
    if end < len(text) and tokens and tokens[-1].end == end:
        tokens = tokens[:-1]
    return tokens


def _densest(marked: set[int], words: int) -> int:
    """The first position of the `words`-long window holding the most marked words."""
    positions = sorted(marked)
    best_start, best_count, j = positions[0], 0, 0
    for i, start in enumerate(positions):
        while j < len(positions) and positions[j] < start + words:
            j += 1
        if j - i > best_count:
            best_start, best_count = start, j - i
    return best_start


def snippet(text: str, query: ParsedQuery | None, words: int = SNIPPET_WORDS) -> str:
    """The window of `words` words holding the most matches, as HTML; the opening if none match.

    Only the stretch around the first likely match is tokenised: a results page highlights
    twenty bodies per request, and a regex over the text as written finds where to look.
    """
    text = text[:SNIPPET_SCAN_CHARS]
    matcher = Matcher(query) if query is not None else None
    position = 0
    for _ in range(REGIONS_TRIED if matcher else 0):
        hint = matcher.first_hint(text, position)
        if hint is None:
            break
        start = max(0, hint - REGION_BEFORE_CHARS)
        end = min(len(text), hint + REGION_CHARS)
        tokens = _tokens_between(text, start, end)
        marked = matcher.marked(tokens) if tokens else set()
        if marked:
            first = max(0, _densest(marked, words) - words // 6)
            last = min(len(tokens) - 1, first + words - 1)
            return _render(
                text,
                tokens,
                marked,
                first,
                last,
                cut_before=_words_before(text, tokens[0].start),
                cut_after=_words_after(text, tokens[last].end),
            )
        # The needle sat inside another word (a stem within a longer one): look further on.
        position = max(end, hint + 1)
    # The opening: its first words, read lazily (nothing to mark, so nothing more to read).
    tokens = arabic.first_tokens(text, words + 1)
    if not tokens:
        return ""
    start, end = tokens[0].start, tokens[:words][-1].end
    lead = escape(text[:start].lstrip())
    tail = " …" if len(tokens) > words else escape(text[end:].rstrip())
    return lead + escape(_SPACES.sub(" ", text[start:end])) + tail


def _words_before(text: str, offset: int) -> bool:
    # A word ends within the few characters before `offset` if any does at all (punctuation and
    # spaces between words are short), so a bounded look is enough.
    return next(arabic.iter_tokens(text[max(0, offset - 200) : offset]), None) is not None


def _words_after(text: str, offset: int) -> bool:
    return next(arabic.iter_tokens(text[offset : offset + 200]), None) is not None


def mark_all(text: str, query: ParsedQuery | None) -> str:
    """The whole text as HTML with every matching word marked (for titles)."""
    tokens = arabic.tokenize(text)
    if not tokens or query is None:
        return escape(text)
    return _render(text, tokens, Matcher(query).marked(tokens), 0, len(tokens) - 1)
