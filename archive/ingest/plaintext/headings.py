"""Which body blocks are sub-headings.

A sub-heading is a short block (text.HEADING_MAX_WORDS) that does not end in punctuation and has
body text after it (``is_heading_candidate``, ``body_blocks``) — or a short question ("ماذا
بعد؟", "What happens next?") standing alone between paragraphs, unless it belongs to the flow of
the text: quoted or dialogue, an interview's "س:"/"Q:" line, introduced, answered, one of a run
of questions (``_is_question_heading``). Pure.
"""

from __future__ import annotations

from archive.ingest.plaintext.state import Item
from archive.ingest.plaintext.text import (
    CLOSING_MARKS,
    HEADING_MAX_WORDS,
    fold,
    last_mark,
    looks_like_heading,
    rx,
    word_count,
)
from archive.ingest.types import Block

__all__ = ["body_blocks", "is_heading_candidate"]


def is_heading_candidate(item: Item) -> bool:
    """One line shaped like a sub-heading (text.looks_like_heading)."""
    return len(item.lines) == 1 and looks_like_heading(item.text)


def body_blocks(texts: list[Item]) -> list[Block]:
    """Sub-headings are heading-shaped blocks with body text somewhere after them, and short
    questions standing between paragraphs (see _is_question_heading)."""
    blocks: list[Block] = []
    body_follows = False
    for item in reversed(texts):
        is_heading = is_heading_candidate(item) and body_follows
        blocks.append(Block("heading" if is_heading else "paragraph", item.text))
        body_follows = body_follows or not is_heading_candidate(item)
    blocks.reverse()
    return [
        Block("heading", block.text) if _is_question_heading(texts, index) else block
        for index, block in enumerate(blocks)
    ]


_INTERVIEW_LABEL = rx(r"^(?:س|ج|سؤال|جواب|الجواب|q|a|question|answer)\s*[:：\-–]")
_ANSWER = rx(r"^(?:ج|جواب|الجواب|a|answer)\s*[:：\-–]|^[فو]?اجاب\b")
# A question that opens with "so"/"and"/"but" goes on from the paragraph before it.
_CONTINUING = rx(r"^(?:ف(?:هل|ما|ماذا|كيف|لماذا|لم|من|اين|متى|كم)|and|but|so|or|yet)\b")
_QUOTE_OPENERS = "\"'“‘«‹-–—"


def _is_short_question(item: Item) -> bool:
    text = item.text
    return (
        len(item.lines) == 1
        and 1 <= word_count(text) <= HEADING_MAX_WORDS
        and last_mark(text) in "?؟"
    )


def _is_question_heading(texts: list[Item], index: int) -> bool:
    """A short question standing alone between paragraphs is a sub-heading ("ماذا بعد؟").

    It is not when it is part of the text's flow: quoted or a line of dialogue, an interview's
    "س:"/"Q:" line, introduced by a paragraph ending in ":", answered by the next one ("ج:",
    "فأجاب"), one of a run of questions, opening with "فهل"/"And", or more than one sentence.
    """
    item = texts[index]
    if not _is_short_question(item):
        return False
    text = item.text
    folded = fold(text)
    core = text.rstrip(CLOSING_MARKS + " ")[:-1]
    if text[0] in _QUOTE_OPENERS or _INTERVIEW_LABEL.match(folded) or _CONTINUING.match(folded):
        return False
    if any(mark in core for mark in ".!?؟:"):
        return False
    before = texts[index - 1] if index > 0 else None
    after = texts[index + 1] if index + 1 < len(texts) else None
    if after is None or is_heading_candidate(after) or _is_short_question(after):
        return False
    if _ANSWER.match(fold(after.text)):
        return False
    introduced = before is not None and (
        _is_short_question(before) or last_mark(before.text) == ":"
    )
    return not introduced
