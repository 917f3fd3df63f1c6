"""Reader query syntax → a small, engine-neutral structure. Pure functions, never raise.

Syntax (docs/reference.md): words are AND-ed; "a phrase"; a OR b; -word / -"phrase" excludes;
word* is a prefix. Anything else (stray quotes, brackets, operators in odd places) degrades to
plain words instead of failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from search.analysis import arabic


def gettext_noop(message: str) -> str:
    """Marks a note's template for translation (makemessages finds it); this module imports no
    Django, so search.service translates the notes (Note.template) for the reader."""
    return message


class Note(str):
    """A note on the query for the reader: in English as a string, and as the template and
    values search.service translates into the reader's language."""

    def __new__(cls, template: str, **values) -> Note:
        note = super().__new__(cls, template % values)
        note.template, note.values = template, values
        return note

    def __getnewargs_ex__(self) -> tuple[tuple, dict]:
        return (self.template,), self.values  # copied or pickled as made, not re-parsed


MAX_QUERY_CHARS = 500
MAX_CLAUSES = 20
MIN_PREFIX_CHARS = 2
OR_WORDS = {"OR", "أو", "او"}
AND_WORDS = {"AND", "و"}

# A token: optional "-", then a quoted phrase or a run of non-space, non-quote characters.
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
# Query punctuation that is never part of a word. A . or , between two digits is: the index
# keeps 3.5 and 1,000 as one word (search.analysis.arabic), so a query must too.
_STRIP = re.compile(r"(?:[()\[\]{}^~:!+\\|&<>=;،؛؟?]|(?<!\d)[.,]|[.,](?!\d))+")


@dataclass(frozen=True)
class Word:
    """A query word as the index sees it: its normalised form and its stems."""

    original: str
    exact: str  # normalised, unstemmed
    stems: tuple[str, ...]


@dataclass(frozen=True)
class Clause:
    kind: str  # "term", "phrase" or "prefix"
    words: tuple[Word, ...]
    # In a phrase, how many stopwords were dropped before each word (positions they held).
    gaps: tuple[int, ...] = ()
    # Gazetteer entities this clause names, as (kind, key): articles tagged with them match too,
    # whatever name they use ("ISIS" finds "داعش").
    entities: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        return self.written([word.original for word in self.words])

    def written(self, words: list[str]) -> str:
        """The clause as a reader would type it, with these words (a suggestion's, say)."""
        joined = " ".join(words)
        if self.kind == "phrase":
            return f'"{joined}"'
        return joined + ("*" if self.kind == "prefix" else "")


@dataclass
class ParsedQuery:
    # A conjunction of disjunctions: every group must match; within a group any clause may.
    groups: list[list[Clause]] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    def positive_clauses(self) -> list[Clause]:
        return [clause for group in self.groups for clause in group]

    def words(self) -> list[Word]:
        return [word for clause in self.positive_clauses() for word in clause.words]


def analyse_words(text: str) -> tuple[list[Word], list[int]]:
    """The index-side analysis of a run of query text, keeping stopword gaps for phrases."""
    words: list[Word] = []
    gaps: list[int] = []
    skipped = 0
    for token in arabic.tokenize(text):
        if arabic.is_stopword(token.text):
            skipped += 1
            continue
        exact = arabic.normalize(token.text)
        if not exact:
            continue
        words.append(Word(token.text, exact, tuple(arabic.term_stems(exact))))
        gaps.append(skipped)
        skipped = 0
    return words, gaps


def _prefix_too_short(prefix: str) -> bool:
    """A prefix must say at least MIN_PREFIX_CHARS letters of its own: ا* or ال* (the article
    alone, before every definite noun) would expand to a large part of the lexicon."""
    own = prefix[2:] if prefix.startswith("ال") else prefix
    return len(own) < MIN_PREFIX_CHARS


def _clause_for(raw: str, phrase: bool, notes: list[str] | None = None) -> Clause | None:
    if phrase:
        words, gaps = analyse_words(raw)
        if not words:
            return None
        if len(words) == 1:
            return Clause("term", tuple(words))
        return Clause("phrase", tuple(words), tuple(gaps))
    is_prefix = raw.endswith("*") and len(raw.rstrip("*")) > 0
    cleaned = _STRIP.sub(" ", raw.replace("*", " ")).strip()
    if not cleaned:
        return None
    if is_prefix:
        prefix = arabic.normalize(cleaned)
        # A prefix is matched against normalised forms; too short a prefix matches everything.
        if " " not in cleaned and not _prefix_too_short(prefix):
            return Clause("prefix", (Word(cleaned, prefix, (prefix,)),))
        if " " not in cleaned and notes is not None:
            notes.append(
                Note(
                    gettext_noop(
                        "%(text)s*: a prefix needs at least %(n)d letters of its own;"
                        " searched as a word"
                    ),
                    text=cleaned,
                    n=MIN_PREFIX_CHARS,
                )
            )
    words, gaps = analyse_words(cleaned)
    if not words:
        return None
    if len(words) == 1:
        return Clause("term", tuple(words))
    # "al-Baghdadi" or "2014-2017" split into several words: keep them together as a phrase.
    return Clause("phrase", tuple(words), tuple(gaps))


def parse_query(text: str) -> ParsedQuery:
    """Parse what a reader typed. Never raises; oddities are noted, not fatal."""
    parsed = ParsedQuery()
    text = (text or "").replace("\u201c", '"').replace("\u201d", '"').replace("\u00ab", '"')
    text = text.replace("\u00bb", '"')
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        parsed.notes.append(
            Note(gettext_noop("query shortened to %(n)d characters"), n=MAX_QUERY_CHARS)
        )
    if text.count('"') % 2:
        # An unbalanced quote is a typo, not a phrase that runs to the end.
        text = text.replace('"', " ")
    pending_or = False
    count = 0
    for match in _TOKEN.finditer(text):
        negated_phrase, phrase, bare = match.groups()
        if bare is not None and bare in OR_WORDS:
            pending_or = bool(parsed.groups)
            continue
        if bare is not None and bare in AND_WORDS and bare.isascii():
            continue
        negated = bool(negated_phrase) if phrase is not None else bare.startswith("-")
        raw = phrase if phrase is not None else bare.lstrip("-")
        clause = _clause_for(raw, phrase is not None, parsed.notes)
        if clause is None:
            pending_or = False
            continue
        count += 1
        if count > MAX_CLAUSES:
            parsed.notes.append(
                Note(gettext_noop("only the first %(n)d terms were used"), n=MAX_CLAUSES)
            )
            break
        if negated:
            parsed.excluded.append(clause)
            pending_or = False
        elif pending_or:
            parsed.groups[-1].append(clause)
            pending_or = False
        else:
            parsed.groups.append([clause])
    return parsed
