"""The shape every parser returns, whatever the input format.

Pure data: no Django imports, so parsers stay trivially testable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Block:
    """One piece of the article body, in reading order."""

    kind: str  # "paragraph" or "heading"
    text: str


@dataclass(frozen=True)
class Caption:
    """An image caption and the agency or photographer credited for the picture."""

    text: str
    credit: str = ""


@dataclass(frozen=True)
class DroppedLine:
    """A line of the input that is not part of the article, and why it was left out."""

    line: int  # 1-based line number in the input
    text: str
    reason: str


@dataclass
class ParsedArticle:
    title: str
    blocks: list[Block] = field(default_factory=list)
    standfirst: str = ""
    captions: list[Caption] = field(default_factory=list)
    author: str = ""
    section: str = ""
    source: str = ""
    url: str = ""
    language: str = ""  # "ar" / "en"; empty means "detect it"
    published: date | None = None
    # How much of `published` is known: "day", "month", "year"; "" when published is None.
    published_precision: str = ""
    tags: list[str] = field(default_factory=list)
    dropped: list[DroppedLine] = field(default_factory=list)
    # Things an editor should look at (e.g. "no publication date found").
    warnings: list[str] = field(default_factory=list)
    # What the import did that needs no review (markup removed, text repaired): for the report.
    notes: list[str] = field(default_factory=list)

    @property
    def body_text(self) -> str:
        """Body as plain text: blocks separated by blank lines."""
        return "\n\n".join(block.text for block in self.blocks)

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "paragraph"]

    @property
    def headings(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "heading"]
