"""Which block, if any, is the standfirst: the summary set between the title and the body.

The first block after the title is the standfirst when it is short, is not a wire dateline lead
("WASHINGTON (Reuters) -"), body text follows it, and something sets it apart from the body (see
``choose_standfirst``). An ordinary short first paragraph stays the body's first paragraph.
Pure.
"""

from __future__ import annotations

import re

from archive.ingest.plaintext.credits import is_dateline_lead
from archive.ingest.plaintext.headings import is_heading_candidate
from archive.ingest.plaintext.state import Item, Line
from archive.ingest.plaintext.text import HEADING_MAX_WORDS, ends_sentence, fold, word_count

__all__ = ["choose_standfirst"]

STANDFIRST_MAX_WORDS = 60
# A standfirst that repeats a later paragraph: this share of its words are in that paragraph.
SUMMARY_OVERLAP = 0.6
_WORD_RX = re.compile(r"[^\W\d_]{3,}")


def choose_standfirst(items: list[Item], lines: list[Line]) -> Item | None:
    """The first block after the title when the text sets it apart as a standfirst.

    It must be short (STANDFIRST_MAX_WORDS), not a wire dateline lead, and have body text after
    it; and something must set it apart from the body, as a careful reader would see it:

    * a byline, date or share bar between it and the body ("title, standfirst, byline, body");
    * a captioned picture between it and the body;
    * the body opening after it with a dateline ("بيروت - أ ف ب:", "WASHINGTON (Reuters) -");
    * it is visibly a summary: most of its words come back in one later paragraph, or it stops
      without the full stop every paragraph of the body ends with.

    Otherwise a short first paragraph is the body's first paragraph.
    """
    texts = [item for item in items if item.caption is None]
    if len(texts) < 2:
        return None
    first, following = texts[0], texts[1]
    if word_count(first.text) > STANDFIRST_MAX_WORDS or is_dateline_lead(first.text):
        return None
    if all(is_heading_candidate(item) for item in texts[1:]):
        return None
    start, end = first.lines[-1].number, following.lines[0].number
    between = [line for line in lines if start < line.number < end]
    if any(line.meta or line.reason == "share buttons" for line in between):
        return first
    if items[items.index(first) + 1].caption is not None:
        return first
    if is_dateline_lead(following.text):
        return first
    return first if _is_summary(first, texts[1:]) else None


def _is_summary(first: Item, rest: list[Item]) -> bool:
    words = {fold(word).lower() for word in _WORD_RX.findall(first.text)}
    if len(words) >= 4:
        for item in rest:
            later = {fold(word).lower() for word in _WORD_RX.findall(item.text)}
            if len(words & later) >= SUMMARY_OVERLAP * len(words):
                return True
    paragraphs = [item for item in rest if not is_heading_candidate(item)]
    return (
        word_count(first.text) > HEADING_MAX_WORDS
        and not ends_sentence(first.text)
        and bool(paragraphs)
        and all(ends_sentence(item.text) for item in paragraphs)
    )
