"""Arabic text analysis as pure functions: normalisation, tokenising, stopwords, light stemming.

The pipeline mirrors Apache Lucene's ArabicAnalyzer (StandardTokenizer, LowerCaseFilter,
DecimalDigitFilter, StopFilter, ArabicNormalizationFilter, ArabicStemFilter), so that
``stem`` and ``analyze`` agree with Lucene term for term.  ``stems`` adds a few alternative
stems for words light10 gets wrong, and the singular's stem for a broken plural (plurals.py);
the engine's analyzers index them at the same position.
``term_stems`` stems a term of either script (Latin ones by english.py's Porter stemmer), and
the whole-text helpers (``analyze``, ``analyze_exact``, ``fingerprint``, ``detect_language``)
are what indexing, tagging and near-duplicate detection call.
No Django or Whoosh imports: this module must stay usable from anywhere.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
import unicodedata
from itertools import chain, islice
from pathlib import Path
from typing import NamedTuple

from pyarabic import araby

from search.analysis import plurals
from search.analysis.english import english_stem

__all__ = [
    "ARABIC_STOPWORDS",
    "Token",
    "analyze",
    "analyze_exact",
    "detect_language",
    "fingerprint",
    "fingerprint_terms",
    "fold_digits",
    "is_stopword",
    "iter_tokens",
    "normalize",
    "stem",
    "stems",
    "strip_diacritics",
    "term_stems",
    "token_matches",
    "token_terms",
    "tokenize",
    "words",
]


# --- character classes ------------------------------------------------------------------

# pyarabic's DIACRITICS: harakat U+064B-065F, honorific marks U+0610-061A, superscript alef
# U+0670 and most Quranic marks; we take the whole U+06D6-06ED block, since none of it is
# spelling.  Lucene's ArabicNormalizer deletes only U+064B-0652, so U+0653-065F and U+0670
# (هٰذا, الرحمٰن) are removed here beyond Lucene, to match the usual undiacritised spelling.
_MARKS = frozenset(araby.DIACRITICS) | {chr(c) for c in range(0x06D6, 0x06EE)}

_INVISIBLE = frozenset(
    "\u00ad\u061c\u2060\ufeff"
    + "".join(chr(c) for c in range(0x200B, 0x2010))
    + "".join(chr(c) for c in range(0x202A, 0x202F))
    + "".join(chr(c) for c in range(0x2066, 0x206A))
)


def _pure_mark_presentation_forms() -> frozenset[str]:
    # Isolated/medial harakat forms (U+FE70..., U+FC5E...) NFKC-expand to a SPACE plus the
    # mark, which would split a word in two; they carry no letters, so drop them up front.
    found = set()
    for cp in list(range(0xFB50, 0xFE00)) + list(range(0xFE70, 0xFF00)):
        ch = chr(cp)
        folded = unicodedata.normalize("NFKC", ch)
        if folded != ch and all(c in " \u0640" or c in _MARKS for c in folded):
            found.add(ch)
    return frozenset(found)


_PRE_TABLE = {ord(c): None for c in _INVISIBLE | _pure_mark_presentation_forms()}


class _FoldingTable(dict):
    """str.translate table that maps every Unicode decimal digit to ASCII on first sight."""

    def __missing__(self, cp: int) -> int:
        value = unicodedata.decimal(chr(cp), None)
        result = cp if value is None else ord(str(value))
        self[cp] = result
        return result


_DIGITS = _FoldingTable()

# Persian/Urdu letter forms that Persian keyboards put into Arabic text, then Lucene's
# ArabicNormalizer mappings (its tatweel and harakat deletions are in _NORMALIZE_TABLE).
_LETTER_MAP = {
    araby.ALEF_WASLA: araby.ALEF,  # ٱ
    "\u06cc": araby.YEH,  # Persian yeh ی
    "\u06d2": araby.YEH,  # yeh barree ے
    "\u06a9": araby.KAF,  # keheh ک
    "\u06c0": araby.HEH,  # heh with yeh above ۀ
    "\u06c1": araby.HEH,  # heh goal ہ
    "\u06be": araby.HEH,  # heh doachashmee ھ
    "\u066b": ".",  # Arabic decimal separator, so ٣٫٥ folds to 3.5
    "\u066c": ",",  # Arabic thousands separator
    # Lucene ArabicNormalizer:
    araby.ALEF_MADDA: araby.ALEF,
    araby.ALEF_HAMZA_ABOVE: araby.ALEF,
    araby.ALEF_HAMZA_BELOW: araby.ALEF,
    araby.ALEF_MAKSURA: araby.YEH,
    araby.TEH_MARBUTA: araby.HEH,
}

_NORMALIZE_TABLE = _FoldingTable(
    {ord(k): v for k, v in _LETTER_MAP.items()}
    | {ord(c): None for c in _MARKS | _INVISIBLE | {araby.TATWEEL}}
)
# For stopword matching: the stopword list is spelt with hamzas and alef maksura, so only
# marks, tatweel and invisible characters may go.
_STRIP_TABLE = {ord(c): None for c in _MARKS | _INVISIBLE | {araby.TATWEEL}}


def _is_arabic_char(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x0600 <= cp <= 0x06FF
        or 0x0750 <= cp <= 0x077F
        or 0x08A0 <= cp <= 0x08FF
        or 0xFB50 <= cp <= 0xFDFF
        or 0xFE70 <= cp <= 0xFEFF
    )


def _is_latin_char(ch: str) -> bool:
    cp = ord(ch)
    return ch.isascii() or 0x00C0 <= cp <= 0x024F or 0x1E00 <= cp <= 0x1EFF


# --- stopwords ----------------------------------------------------------------------------


def _load_stopwords() -> frozenset[str]:
    path = Path(__file__).with_name("arabic_stopwords.txt")
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line)
    return frozenset(words)


ARABIC_STOPWORDS: frozenset[str] = _load_stopwords()


# --- normalisation ------------------------------------------------------------------------


def fold_digits(text: str) -> str:
    """Replace every Unicode decimal digit (Arabic-Indic, Persian, ...) with its ASCII digit."""
    return text.translate(_DIGITS)


def _nfkc(text: str) -> str:
    text = text.translate(_PRE_TABLE)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text


def normalize(text: str) -> str:
    """Fully normalise Arabic text: NFKC, letter variants, Lucene's normaliser, digits, case."""
    return _nfkc(text).translate(_NORMALIZE_TABLE).lower()


def strip_diacritics(text: str) -> str:
    """Lowercase and drop marks, tatweel and invisible characters, keeping letter shapes."""
    return _nfkc(text).translate(_STRIP_TABLE).lower()


# Word frequencies are Zipfian, so per-word caches below pay for themselves many times over
# when indexing; the public functions return fresh lists built from cached tuples.
@functools.lru_cache(maxsize=100_000)
def is_stopword(token_text: str) -> bool:
    """True if the token is on Lucene's Arabic stopword list (على yes, the name علي no)."""
    return strip_diacritics(token_text) in ARABIC_STOPWORDS


# --- tokenising ---------------------------------------------------------------------------


class Token(NamedTuple):
    """A word of the original text; ``start``/``end`` index into that text.

    A NamedTuple rather than a frozen dataclass: tokens are made by the million when indexing
    and tagging, and a tuple is several times cheaper to create.
    """

    text: str
    start: int
    end: int


def _char_class(chars) -> str:
    return "".join(re.escape(c) for c in sorted(chars))


# A word starts with a letter or digit (not tatweel or a Quranic small letter, which would
# normalise to nothing) and runs on through letters, digits, combining marks and invisible
# joiners/bidi controls; digits separated by one . , ٫ ٬ stay one number, as in UAX #29.
_IN_WORD = _char_class(_MARKS | _INVISIBLE | {chr(c) for c in range(0x0300, 0x0370)})
# Runs of one class at a time (``+`` inside the group): sre loops over a run in C, where an
# alternation per character made tokenising 1.8 times slower. Same matches.
_TOKEN_RE = re.compile(
    r"[^\W_\u0640\u06d6-\u06ed]"
    rf"(?:[^\W_]+|[{_IN_WORD}]+|(?<=\d)[.,\u066b\u066c](?=\d))*"
)


def iter_tokens(text: str):
    """Yield the word ``Token``s of ``text`` lazily (see ``tokenize``)."""
    for match in _TOKEN_RE.finditer(text):
        yield Token(match.group(), match.start(), match.end())


def tokenize_span(text: str, start: int, end: int) -> list[Token]:
    """The tokens of text[start:end], with offsets into `text` (no copy of the slice)."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text, start, end)]


def first_tokens(text: str, count: int) -> list[Token]:
    """The first `count` tokens of `text`, reading no further than they reach."""
    return [Token(m.group(), m.start(), m.end()) for m in islice(_TOKEN_RE.finditer(text), count)]


def tokenize(text: str) -> list[Token]:
    """Split text into words, keeping harakat, tatweel and ZWJ/ZWNJ inside the word."""
    return list(iter_tokens(text))


def token_matches(text: str) -> list[re.Match]:
    """The matches behind ``tokenize`` (``group()``, ``start()``, ``end()``): for callers
    needing the offsets of every word, about half the cost of a ``Token`` each."""
    global _last_matches
    matches = list(_TOKEN_RE.finditer(text))
    _last_matches = (text, matches)
    return matches


# The last text token_matches() read, with its matches. An import tags an article's whole text
# (title, standfirst, captions and body joined by line breaks) and then hashes its body: the
# body's words are the tail of those matches, so _words() does not read it again.
_last_matches: tuple[str, list[re.Match]] = ("", [])


def _words(text: str) -> list[str]:
    """``words(text)``, from the last token_matches() when ``text`` ends the text it read,
    right after a line break (no word spans one, so the words are the same)."""
    full, matches = _last_matches
    start = len(full) - len(text)
    if start > 0 and len(text) > 200 and full[start - 1] == "\n" and full.endswith(text):
        first = bisect.bisect_left(matches, start, key=re.Match.start)
        return [match.group() for match in matches[first:]]
    return _TOKEN_RE.findall(text)


def words(text: str) -> list[str]:
    """The words of ``tokenize(text)`` without their offsets (several times cheaper).

    No word spans a line break: the words of two lines joined by one are those of each line.
    """
    return _TOKEN_RE.findall(text)


def token_terms(token_text: str) -> list[str]:
    """Normalised term(s) for one raw token.

    Usually one; none if the token normalises away; several when a single character
    NFKC-expands to words (ﷺ is صلى الله عليه وسلم), minus any of those that are stopwords.
    """
    return list(_token_terms(token_text))


@functools.lru_cache(maxsize=100_000)
def _token_terms(token_text: str) -> tuple[str, ...]:
    parts = normalize(token_text).split()
    if len(parts) > 1:
        parts = [p for p in parts if not is_stopword(p)]
    return tuple(parts)


# --- Lucene light10 stemmer ---------------------------------------------------------------

_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def _stem_prefix(word: str) -> str:
    n = len(word)
    for prefix in _PREFIXES:
        # Lucene: wa- needs a 4-letter word, the others leave at least 2 letters.
        if (len(prefix) == 1 and n < 4) or n < len(prefix) + 2:
            continue
        if word.startswith(prefix):
            return word[len(prefix) :]
    return word


def _stem_suffix(word: str) -> str:
    # One pass in list order, each test against the already-shortened word, as Lucene does;
    # that ordering is why قواته stops at قوات (ات is tested before ه is removed).
    for suffix in _SUFFIXES:
        if len(word) >= len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
    return word


def stem(word: str) -> str:
    """Lucene's ArabicStemmer (light10) on an already-normalised word, exactly."""
    return _stem_suffix(_stem_prefix(word))


# Attached pronouns, longest first so هم wins over ه.
_PRONOUNS = ("هما", "كما", "ها", "هم", "هن", "كم", "كن", "نا", "ه", "ك", "ي")


def _pronoun_alternatives(base: str) -> list[str]:
    # Only words whose pronoun sits on a ت: either a teh marbuta written open before the
    # pronoun (سفارتها = سفارة + ها) or a feminine plural (قواته = قوات + ه).  Restricting
    # to ت keeps عليهم away from علي and مالك away from مال.
    for pronoun in _PRONOUNS:
        if base.endswith(pronoun):
            core = base[: -len(pronoun)]
            break
    else:
        return []
    if len(core) < 3 or not core.endswith("ت"):
        return []
    alternatives = [_stem_suffix(core)]
    # A 3-letter core (بيت, موت, صوت) is a real ت; ي is too often a nisba (كويتي, بيروتي).
    if len(core) >= 4 and pronoun != "ي":
        alternatives.append(_stem_suffix(core[:-1] + "ه"))
    return alternatives


@functools.lru_cache(maxsize=100_000)
def _stems(word: str) -> tuple[str, ...]:
    result = [stem(word)]
    bases = [_stem_prefix(word)]
    candidates = [word]
    if len(word) > 4 and word[0] in "وف" and word[1:].startswith(("لل", "بال", "كال")):
        # Lucene strips only one prefix, so وللحكومة keeps its لل and وبالتحالف its بال;
        # add the reading without the conjunction.
        bases.append(_stem_prefix(word[1:]))
        candidates.append(word[1:])
    for candidate in candidates:
        if len(candidate) >= 4 and candidate.startswith("لل"):
            # لِ + الـ + a noun that itself starts with ل is written with only two lams
            # (للاجئين = ل + اللاجئين); Lucene eats both and leaves اجئ.
            bases.append(candidate[1:])
    for base in bases:
        result.append(_stem_suffix(base))
        result.extend(_pronoun_alternatives(base))
    # A broken plural (صواريخ, بالأسلحة, ومدنها) also stands for its singular: its stem joins
    # the word's, so that the plural and the singular share a term (plurals.py).
    for candidate in dict.fromkeys([word, *bases]):
        result.extend(stem(single) for single in plurals.singulars(candidate))
    return tuple(dict.fromkeys(s for s in result if s))


def stems(word: str) -> list[str]:
    """``[stem(word)]`` followed by alternative stems for forms light10 mis-stems, and the
    singular's stem for a broken plural."""
    return list(_stems(word))


# --- a term of either script ------------------------------------------------------------


def term_stems(term: str) -> list[str]:
    """Stems for one normalised term: Arabic via ``stems``, Latin via Porter, else as is."""
    return list(_term_stems(term))


@functools.lru_cache(maxsize=100_000)
def _term_stems(term: str) -> tuple[str, ...]:
    if any(_is_arabic_char(c) for c in term):
        return _stems(term)
    if any(c.isalpha() for c in term) and all(_is_latin_char(c) for c in term):
        return (english_stem(term),)
    return (term,)


# --- prefix queries ----------------------------------------------------------------------

# What may stand before a word a reader types as a prefix: حوث* should find الحوثيين and
# للحوثيين, whose normalised forms keep the article and the clitics.
_PREFIX_QUERY_CLITICS = ("", "ال", "وال", "بال", "فال", "كال", "لل", "ولل")


def prefix_forms(prefix: str) -> tuple[str, ...]:
    """The normalised beginnings a prefix query matches: the prefix, and behind ال or a clitic."""
    if not prefix or prefix.startswith("ال") or not _is_arabic_char(prefix[0]):
        return (prefix,)
    return tuple(clitic + prefix for clitic in _PREFIX_QUERY_CLITICS)


# --- whole-text helpers -------------------------------------------------------------------


def _terms(text: str) -> list[str]:
    found = _words(text)
    known = _word_terms_cache(found)
    return list(chain.from_iterable(map(known.__getitem__, found)))


# Per word, its normalised terms, or () for a stopword: the whole-text helpers look each word
# up once instead of calling is_stopword and _token_terms on it (most of their cost on news,
# whose words repeat). Replaced, not cleared, when full, so a reader never sees it emptied.
_WORD_TERMS: dict[str, tuple[str, ...]] = {}
_WORD_TERMS_KEPT = 200_000


def _word_terms_cache(found: list[str]) -> dict[str, tuple[str, ...]]:
    global _WORD_TERMS
    known = _WORD_TERMS
    missing = set(found).difference(known)
    if missing:
        if len(known) + len(missing) > _WORD_TERMS_KEPT:
            known = _WORD_TERMS = {}
            missing = set(found)
        for word in missing:
            known[word] = () if is_stopword(word) else _token_terms(word)
    return known


def analyze(text: str) -> list[str]:
    """Lucene ArabicAnalyzer: words, stopwords dropped, normalised, primary stem each."""
    return [_term_stems(term)[0] for term in _terms(text)]


def analyze_exact(text: str) -> list[str]:
    """Like ``analyze`` but without stemming: the normalised surface forms."""
    return _terms(text)


def fingerprint(text: str) -> str:
    """SHA-256 of the normalised, stopword-free word stream, for near-duplicate detection."""
    return fingerprint_terms(analyze_exact(text))


def fingerprint_terms(terms: list[str]) -> str:
    """``fingerprint`` of a text from its ``analyze_exact`` terms (when they are at hand).

    No word spans a line break, so the fingerprint of a title and a body joined by one is
    ``fingerprint_terms(analyze_exact(title) + analyze_exact(body))``.
    """
    return hashlib.sha256(" ".join(terms).encode("utf-8")).hexdigest()


def detect_language(text: str) -> str:
    """Return "ar" or "en" by majority of Arabic-script vs Latin letters, "" if neither."""
    arabic = latin = 0
    for ch in text:
        if ch.isalpha():
            if _is_arabic_char(ch):
                arabic += 1
            elif _is_latin_char(ch):
                latin += 1
    if not arabic and not latin:
        return ""
    return "ar" if arabic >= latin else "en"
