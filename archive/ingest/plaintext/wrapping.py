"""Where a line break inside a run of text is a soft wrap, continuing the paragraph.

In an ordinary file a break continues the paragraph only when the line before is longer than a
sub-heading and does not end a sentence (text.wraps_into_next). A hard-wrapped file (text cut
into lines of a fixed width, as mail, lynx or html2text write it) is recognised from its line
breaks (``hard_wrap``); then a break is a soft wrap exactly when the next word would not have
fitted within the width, or the line is nearly full and stops mid-sentence (``HardWrap``).
Pure.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from archive.ingest.plaintext.state import Line
from archive.ingest.plaintext.text import ends_sentence, wraps_into_next

__all__ = ["HardWrap", "goes_on", "hard_wrap"]


# A file is hard-wrapped when it has at least this many line breaks inside runs of text, most of
# them where the next word would not have fitted on the line and in mid-sentence.
WRAP_MIN_BREAKS = 4
WRAP_SOFT_SHARE = 0.6
WRAP_MID_SENTENCE_SHARE = 0.5
WRAP_LONGER_LINES_SHARE = 0.1  # a few longer lines (a URL, an unwrapped quote) are tolerated
WRAP_FULL_LINE = 0.8  # a line this full that does not end a sentence goes on, whatever the width


@dataclass(frozen=True)
class HardWrap:
    """The file's text was wrapped at `width` characters: lines break where words ran out."""

    width: int

    def continues(self, line: str, following: str) -> bool:
        """The break between `line` and `following` is the wrapping, not the author's."""
        first = following.split()[0]
        if len(line) + 1 + len(first) > self.width:
            return True  # the next word would not have fitted
        return not ends_sentence(line) and len(line) >= WRAP_FULL_LINE * self.width


def hard_wrap(lines: list[Line]) -> HardWrap | None:
    """The wrap width when the text is hard-wrapped, else None.

    Evidence: line breaks inside runs of text (no blank line) mostly fall where the next word
    would not have fitted within the longest line, and mostly in mid-sentence; and hardly any line
    is longer than that width. A file with one paragraph per line has lines of every length, so
    its breaks fall anywhere.
    """
    texts = [line for line in lines if not line.reason]
    breaks = [
        (line, following)
        for line, following in itertools.pairwise(texts)
        if following.number == line.number + 1
    ]
    if len(breaks) < WRAP_MIN_BREAKS:
        return None
    width = max(len(line.text) for pair in breaks for line in pair)
    if sum(len(line.text) > width for line in texts) > WRAP_LONGER_LINES_SHARE * len(texts):
        return None
    wrapped = HardWrap(width)
    soft = sum(len(a.text) + 1 + len(b.text.split()[0]) > width for a, b in breaks)
    mid_sentence = sum(not ends_sentence(a.text) for a, _ in breaks)
    if soft < WRAP_SOFT_SHARE * len(breaks) or mid_sentence < WRAP_MID_SENTENCE_SHARE * len(breaks):
        return None
    return wrapped


def goes_on(line: Line, following: Line, wrap: HardWrap | None) -> bool:
    """`following` continues the paragraph `line` is in (a soft wrap)."""
    if following.number != line.number + 1:
        return False
    if wrap is not None:
        return wrap.continues(line.text, following.text)
    return wraps_into_next(line.text)
