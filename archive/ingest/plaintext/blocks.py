"""The body's lines grouped into blocks and captions, in reading order.

Dropped lines and blank lines end a block; inside a run of lines, a line break continues the
paragraph when it is a soft wrap (wrapping.goes_on). A short line with a photo credit is a
caption (credits.caption_of); a credit alone on a line ("(رويترز)", "Photo: AFP") belongs to the
short line above it, which is then a caption — when that line does not end a sentence, or when
the credit follows it directly and body text comes later (``_attach_credits``). Otherwise it is
dropped as a lone photo credit, and a wire's "... قالت الوزارة. (رويترز)" closing the text is an
attribution, not a caption. Pure.
"""

from __future__ import annotations

from archive.ingest.plaintext.credits import CAPTION_MAX_WORDS, caption_of, lone_credit
from archive.ingest.plaintext.state import Item, Line
from archive.ingest.plaintext.text import ends_sentence, word_count
from archive.ingest.plaintext.wrapping import HardWrap, goes_on
from archive.ingest.types import Caption

__all__ = ["group_body"]


def group_body(lines: list[Line], wrap: HardWrap | None = None) -> list[Item]:
    """Body lines into blocks and captions; dropped lines and blank lines end a block."""
    items: list[Item] = []
    current: Item | None = None
    credits: list[tuple[Item, Line, str]] = []  # a credit line right after a short item
    previous: Line | None = None
    for line in lines:
        if line.reason:
            current, previous = None, line
            continue
        caption = caption_of(line.text)
        credit = (caption.credit if caption is not None and not caption.text else "") or (
            lone_credit(line.text) if caption is None else ""
        )
        if credit:
            last = items[-1] if items else None
            if (
                last is not None
                and last.caption is None
                and len(last.lines) == 1
                and last.lines[0] is previous
                and word_count(last.text) <= CAPTION_MAX_WORDS
            ):
                credits.append((last, line, credit))
            else:
                line.reason = "lone photo credit"
            current = None
        elif caption is not None:
            items.append(Item([line], caption))
            current = None
        elif current and not line.after_gap and goes_on(current.lines[-1], line, wrap):
            current.lines.append(line)
        else:
            current = Item([line])
            items.append(current)
        previous = line
    _attach_credits(items, credits)
    # Wire copy often ends with "... قالت الوزارة. (رويترز)": an attribution, not a caption.
    if items and items[-1].caption and ends_sentence(items[-1].caption.text):
        items[-1].caption = None
    return items


def _attach_credits(items: list[Item], credits: list[tuple[Item, Line, str]]) -> None:
    """A photo credit on its own line belongs to the caption on the line above it.

    The line above is a caption when it reads as one (it does not end a sentence), or when it
    does but the credit follows it directly and the article goes on after: a last paragraph
    ending "... قالت الوزارة." with "(رويترز)" below is the wire's attribution, not a caption.
    """
    for item, line, credit in credits:
        body_follows = any(later.caption is None for later in items[items.index(item) + 1 :])
        if not ends_sentence(item.text) or (not line.after_gap and body_follows):
            item.caption = Caption(item.text, credit)
            item.lines.append(line)
        else:
            line.reason = "lone photo credit"
