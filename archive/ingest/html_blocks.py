"""trafilatura's XML to blocks, and which of them are the article's. Pure (lxml).

``blocks_of`` turns the body trafilatura returns into paragraphs and headings in order: a
``<head>`` is a heading (unless it is the headline again), each list item and table row a
paragraph, each cell of a layout table page content of its own, and a ``<br>`` (``<lb/>``) ends a
paragraph, as many sites separate theirs so.

``sort_out`` then leaves a block out, with its reason, when it is no article text: no words, an
image caption, the headline again, page furniture (the plain-text parser's rules), a byline or
date line among the first blocks, navigation as the page's markup shows it (pagebody.Page.judge),
the label of a link list, a label above the first paragraph (a kicker), or a heading with nothing
after it. ``prose_chars`` and ``quality`` measure what is left, to choose between trafilatura's
reading and the markup's own.
"""

from __future__ import annotations

from lxml import etree

from archive.ingest import pagebody
from archive.ingest.html_text import NO_TEXT, clean, key, same, text_of
from archive.ingest.plaintext.bylines import parse_meta
from archive.ingest.plaintext.furniture import furniture_reason
from archive.ingest.plaintext.text import ends_sentence, word_count
from archive.ingest.types import Block, Caption, DroppedLine

__all__ = ["blocks_of", "prose_chars", "quality", "sort_out"]

# A byline or date line among the first few blocks is not body text.
HEAD_BLOCKS = 3
LABEL_MAX_WORDS = 5


def blocks_of(body, title: str) -> list[Block]:
    """The blocks of trafilatura's body element, in order; none when it found no body."""
    blocks: list[Block] = []
    if body is not None:
        _collect(body, title, blocks)
    return blocks


_BLOCK_XML = ("p", "head", "list", "table", "quote")


def _collect(container, title: str, blocks: list[Block]) -> None:
    """trafilatura's XML elements in `container` to blocks, in order."""
    for element in container:
        tag = element.tag
        if tag == "head":
            text = clean(text_of(element))
            if text and not same(text, title):
                blocks.append(Block("heading", text))
        elif tag == "list":
            for item in element.iter("item"):
                text = clean(text_of(item))
                if text:
                    blocks.append(Block("paragraph", text))
        elif tag == "table" and any(element.find(f"row/cell/{t}") is not None for t in _BLOCK_XML):
            # A layout table (old sites set whole pages in one): each cell is page content.
            for row in element.findall("row"):
                for cell in row.findall("cell"):
                    _cell(cell, title, blocks)
        elif tag == "table":
            for row in element.iter("row"):
                cells = [clean(text_of(cell)) for cell in row.iter("cell")]
                text = " | ".join(cell for cell in cells if cell)
                if text:
                    blocks.append(Block("paragraph", text))
        elif isinstance(tag, str):
            # A <br> (trafilatura's <lb/>) ends a paragraph: many sites separate theirs so.
            blocks.extend(Block("paragraph", text) for text in _lines(element))


def _cell(cell, title: str, blocks: list[Block]) -> None:
    if not any(child.tag in _BLOCK_XML for child in cell):
        blocks.extend(Block("paragraph", text) for text in _lines(cell))
        return
    # Text before, between and after the cell's paragraphs is a paragraph of its own.
    loose = etree.Element("p")
    loose.text = cell.text
    parts = [loose]
    for child in cell:
        tail = etree.Element("p")
        tail.text, child.tail = child.tail, None
        parts.extend([child, tail])
    holder = etree.Element("cell")
    holder.extend(parts)
    _collect(holder, title, blocks)


def _lines(element) -> list[str]:
    """The text of an element, split where it has line breaks.

    trafilatura marks a ``<br>`` as ``<lb/>``; its text is otherwise whitespace-normalised, except
    when it falls back to the page's raw text, which it joins line by line with newlines.
    """
    lines: list[list[str]] = [[]]

    def add(text: str | None) -> None:
        first, *others = (text or "").split("\n")
        lines[-1].append(first)
        lines.extend([other] for other in others)

    def walk(node) -> None:
        if node.tag == "lb":
            lines.append([])
        elif isinstance(node.tag, str) and node.tag not in NO_TEXT:
            add(node.text)
            for child in node:
                walk(child)
                add(child.tail)

    walk(element)
    return [text for text in (clean(" ".join(line)) for line in lines) if text]


def sort_out(
    blocks: list[Block], title: str, captions: list[Caption], view: pagebody.Page | None
) -> tuple[list[Block], list[DroppedLine]]:
    """The article's blocks, and the others with the reason each is not article text.

    ``view`` judges navigation (link lists, teasers, page text run together); pass None for
    blocks read from the page's own markup, which already leaves navigation out.
    """
    caption_keys = {key(c.text) for c in captions} | {key(f"{c.text} {c.credit}") for c in captions}
    reasons: dict[int, str] = {}
    kept = 0
    for number, block in enumerate(blocks, start=1):
        reason = ""
        if not any(ch.isalpha() for ch in block.text):
            reason = "no words"
        elif key(block.text) in caption_keys:
            reason = "image caption"
        elif same(block.text, title):
            reason = "the headline again"
        elif not (reason := furniture_reason(block.text)) and view is not None:
            reason = view.judge(block.text, title)
        if not reason and kept < HEAD_BLOCKS and (meta := parse_meta(block.text, True)):
            reason = meta.reason
        if reason:
            reasons[number] = reason
        else:
            kept += 1
    # The label of a link list ("أخبار عاجلة", "Latest") goes with it.
    for number in range(len(blocks) - 1, 0, -1):
        follows_links = reasons.get(number + 1) in pagebody.NAVIGATION | {"label of a link list"}
        if follows_links and number not in reasons and _is_label(blocks[number - 1].text):
            reasons[number] = "label of a link list"
    # A label above the first paragraph is a kicker ("Breaking news", "عاجل", a section name).
    for number, block in enumerate(blocks, start=1):
        if number in reasons:
            continue
        if block.kind == "paragraph" and pagebody.is_prose(block.text):
            break
        if block.kind == "paragraph" and _is_label(block.text):
            reasons[number] = "label above the article"
    # A heading with no paragraph after it is page furniture ("Related", "اقرأ أيضا").
    for number in range(len(blocks), 0, -1):
        if number in reasons:
            continue
        if blocks[number - 1].kind != "heading":
            break
        reasons[number] = "heading without text"
    kept_blocks = [block for n, block in enumerate(blocks, start=1) if n not in reasons]
    dropped = [
        DroppedLine(n, block.text, reasons[n])
        for n, block in enumerate(blocks, start=1)
        if n in reasons
    ]
    return kept_blocks, dropped


def _is_label(text: str) -> bool:
    return word_count(text) <= LABEL_MAX_WORDS and not ends_sentence(text)


def quality(blocks: list[Block]) -> tuple[int, int]:
    """More prose is better; with as much prose, fewer paragraphs that are not sentences."""
    others = sum(
        1 for block in blocks if block.kind == "paragraph" and not pagebody.is_prose(block.text)
    )
    return prose_chars(blocks), -others


def prose_chars(blocks: list[Block]) -> int:
    """Letters of article prose: paragraphs that read as sentences, not labels or dates."""
    return sum(
        len(block.text)
        for block in blocks
        if block.kind == "paragraph" and pagebody.is_prose(block.text)
    )
