"""One line of scraped text: cleaning it, the folded form used for matching, and its shape.

Nothing here knows about articles: these are the measures the other modules of the plain-text
parser apply to a line (word count, does it end a sentence, is it heading-shaped, link-like or
soft-wrapped), and ``fold``/``rx``, which let their patterns be written in ordinary Arabic and
English yet match any spelling variant. Pure.
"""

from __future__ import annotations

import re

# A sub-heading is at most this many words; a longer line without a sentence end is wrapped.
HEADING_MAX_WORDS = 12
LINK_MAX_WORDS = 20

SENTENCE_END = ".!?؟…:"
HEADING_STOPPERS = SENTENCE_END + ",،;؛"
LINK_STOPPERS = ".:,،;؛"
CLOSING_MARKS = "\"'”’»)]›"

# Invisible marks scrapers leave behind (BOM, direction marks, soft hyphen):
# they carry no text but break anchors and word counts.
_INVISIBLE = re.compile("[\u00ad\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD_TABLE = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        **{chr(0x0660 + digit): str(digit) for digit in range(10)},
        **{chr(0x06F0 + digit): str(digit) for digit in range(10)},
    }
)


def clean_line(raw: str) -> str:
    """Trim, drop invisible marks, and collapse any whitespace (NBSP included) to one space."""
    return " ".join(_INVISIBLE.sub("", raw).split())


def fold(text: str) -> str:
    """Spelling-insensitive form used only for matching, never for output.

    Drops harakat and tatweel, merges hamza-carrying alefs, ى/ي and ة/ه, and
    turns Arabic-Indic digits into ASCII. آ is kept apart so the month آب
    never reads as the agency أ.ب. Word boundaries are preserved.
    """
    return _ARABIC_MARKS.sub("", text).translate(_FOLD_TABLE)


def rx(pattern: str) -> re.Pattern[str]:
    """Compile a pattern written in ordinary Arabic/English against folded text."""
    return re.compile(fold(pattern), re.IGNORECASE)


def word_count(text: str) -> int:
    return len(text.split())


def ends_sentence(text: str) -> bool:
    core = text.rstrip(CLOSING_MARKS + " ")
    return bool(core) and core[-1] in SENTENCE_END


def last_mark(text: str) -> str:
    core = text.rstrip(CLOSING_MARKS + " ")
    return core[-1] if core else ""


def looks_like_heading(text: str) -> bool:
    """Short, unpunctuated and not wholly in brackets: a sub-heading if it stands alone."""
    if not 1 <= word_count(text) <= HEADING_MAX_WORDS:
        return False
    if text[0] in "([" and text[-1] in ")]":
        return False
    return last_mark(text) not in HEADING_STOPPERS and any(ch.isalpha() for ch in text)


def is_link_like(text: str) -> bool:
    """A related-headline line: short and not ending a sentence (? and ! allowed)."""
    return word_count(text) <= LINK_MAX_WORDS and last_mark(text) not in LINK_STOPPERS


def wraps_into_next(text: str) -> bool:
    """A long line stopping mid-sentence was wrapped: the next line continues it."""
    return word_count(text) > HEADING_MAX_WORDS and not ends_sentence(text)


def folded_words(words: str) -> frozenset[str]:
    return frozenset(fold(word).lower() for word in words.split())
