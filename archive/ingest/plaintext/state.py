"""What the plain-text parser works on, shared by the modules that do the parse.

A ``Line`` is one non-blank line of the input, with the reason it is dropped once one is known;
an ``Item`` is a body block or caption being assembled from lines; ``Found`` gathers the facts
(author, dates, section, URL, tags) read from furniture and head lines on the way to the body.
Pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from archive.ingest import dates
from archive.ingest.plaintext.bylines import Meta
from archive.ingest.types import Caption

__all__ = ["Found", "Item", "Line"]


@dataclass
class Line:
    number: int  # 1-based, as in the input file
    text: str
    after_gap: bool  # a blank line (or the start of the text) comes right before it
    reason: str = ""  # why it is dropped; "" while it may be article text
    meta: bool = False  # a byline or date line


@dataclass
class Item:
    """A body block or caption in reading order, before kinds are decided."""

    lines: list[Line]
    caption: Caption | None = None

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


@dataclass
class Found:
    """Facts gathered from furniture and head lines on the way to the body."""

    author: str = ""
    published: date | None = None
    updated: date | None = None
    hijri: bool = False
    hijri_date: dates.FoundDate | None = None
    extra_published: list[date] = field(default_factory=list)
    crumbs: list[str] = field(default_factory=list)
    footer_section: str = ""
    url: str = ""
    tags: list[str] = field(default_factory=list)
    precision: str = dates.DAY  # of `published`, when it was read from a relative date
    relative: str = ""  # "أمس", "منذ ساعتين": a publication date relative to the reading day
    relative_updated: str = ""
    captured: datetime | None = None  # from an HTTP/WARC Date header at the top of the file

    def take(self, meta: Meta) -> None:
        if meta.author:
            self.author = f"{self.author}, {meta.author}" if self.author else meta.author
        if meta.published:
            if self.published is None:
                self.published = meta.published
            elif meta.published != self.published:
                self.extra_published.append(meta.published)
        self.updated = self.updated or meta.updated
        self.relative = self.relative or meta.relative
        self.relative_updated = self.relative_updated or meta.relative_updated
        self.hijri = self.hijri or meta.hijri
        self.hijri_date = self.hijri_date or meta.hijri_date
