"""Keep markup and script out of everything an import stores. Pure functions (nh3 does the work).

Articles are stored as plain text (blocks, captions, title …) and escaped whenever they are shown;
on top of that, any field that arrives holding markup (an HTML export's body, a `<script>` in an
og:title) is reduced to its text here, with script and style content dropped, before it is
stored or previewed. HTML pages are sanitised as a whole before extraction (see html.py).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

import nh3

from archive.ingest.types import Block, Caption, ParsedArticle

__all__ = [
    "BIDI_CONTROLS",
    "STRUCTURE_TAGS",
    "clean_article",
    "clean_line",
    "clean_page",
    "plain_text",
    "strip_bidi_controls",
]

# Bidi embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069). Stored text never
# needs them (the pages show every text in its own isolated, dir="auto" element, which orders
# mixed Arabic and English by itself), and an unclosed override or isolate in a title or a
# query would reorder the page around it: a U+202E can make "exe.txt" read "txt.exe".
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NO_BIDI = {ord(c): None for c in BIDI_CONTROLS}
# str.translate looks every character up in a dict: on a 3,000-character body that cost an
# import 9% of its time, where the regular expression scans in C and finds none in most texts.
_ANY_BIDI = re.compile(f"[{BIDI_CONTROLS}]")

# Elements whose content is never text: dropped with everything inside them.
DROP_WITH_CONTENT = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "canvas",
    "select",
    "textarea",
    "button",
}
# What the sanitised page keeps for the extractor: structure, no behaviour.
STRUCTURE_TAGS = (set(nh3.ALLOWED_TAGS) | {"main", "section", "form", "label", "font"}) - {
    "img",
    "map",
    "area",
}
# Class/id/role are kept so the extractor can still tell navigation and comments from the article.
_ATTRIBUTES = {
    "*": {"class", "id", "role", "lang", "dir", "itemprop", "datetime", "title"},
    "a": {"href"},
    "time": {"datetime"},
}
# Markup means a known HTML element or an entity: "x<y and a > b" in prose is not markup.
_TAG_NAMES = (
    r"a|abbr|article|aside|b|blockquote|body|br|button|canvas|caption|cite|code|div|em|embed"
    r"|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|li|link"
    r"|main|math|meta|nav|noscript|object|ol|p|pre|q|s|script|section|select|small|source|span"
    r"|strong|style|sub|sup|svg|table|tbody|td|template|textarea|th|thead|time|title|tr|u|ul"
    r"|video|audio"
)
_MARKUP = re.compile(
    rf"<\s*/?\s*(?:{_TAG_NAMES})(?:\s[^<>]*)?/?\s*>|<!--|&(?:[a-zA-Z]{{2,8}}|#\d+|#x[0-9a-fA-F]+);",
    re.IGNORECASE,
)
_BLOCK_END = re.compile(r"<\s*(?:/\s*(?:p|div|h[1-6]|li|blockquote|tr)|br\s*/?)\s*>", re.IGNORECASE)


def clean_page(page: str) -> str:
    """The page with scripts, styles, event handlers, javascript: URLs and embeds removed."""
    return nh3.clean(
        page,
        tags=STRUCTURE_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,
        link_rel=None,
    )


def plain_text(value: str, *, keep_paragraphs: bool = False) -> str:
    """Text without markup. Untouched when it holds none (so "x<y" in prose survives)."""
    if not value or not _MARKUP.search(value):
        return value
    if keep_paragraphs:
        value = _BLOCK_END.sub("\n\n", value)
    cleaned = nh3.clean(value, tags=set(), clean_content_tags=DROP_WITH_CONTENT, attributes={})
    return html.unescape(cleaned)


def strip_bidi_controls(value: str) -> str:
    """The text without bidi embedding, override and isolate characters."""
    return value.translate(_NO_BIDI) if value and _ANY_BIDI.search(value) else value


def clean_line(value: str) -> str:
    """One line of plain text: no markup, no bidi control, whitespace collapsed."""
    return " ".join(strip_bidi_controls(plain_text(value)).split())


def clean_article(article: ParsedArticle) -> ParsedArticle:
    """Every text field of a parsed article as plain text without bidi controls; empty blocks
    and captions dropped."""
    blocks = []
    for block in article.blocks:
        text = clean_line(block.text)
        if text:
            blocks.append(Block(block.kind, text))
    captions = [
        Caption(clean_line(caption.text), clean_line(caption.credit))
        for caption in article.captions
        if clean_line(caption.text) or clean_line(caption.credit)
    ]
    return replace(
        article,
        title=clean_line(article.title),
        standfirst=clean_line(article.standfirst),
        blocks=blocks,
        captions=captions,
        author=clean_line(article.author),
        section=clean_line(article.section),
        source=clean_line(article.source),
        tags=[tag for tag in (clean_line(tag) for tag in article.tags) if tag],
    )
