"""Saved web pages (.html/.htm, and the HTML responses in a WARC) to ParsedArticle. Pure.

trafilatura finds the article in the page (title, author, date, body with sub-headings) and leaves
out navigation, cookie banners and related links. What it drops but an archive wants is read here
from the page itself: the standfirst (og:description / meta description, or a lead paragraph) and
image captions (``figcaption``, with the photo credit split off by the plain-text parser's rules).

The page is sanitised with nh3 (scripts, styles, ``on*`` handlers, ``javascript:`` URLs and embeds
removed) before extraction; metadata is read from the original tree as text only (html_text), and
every field goes through sanitize.plain_text, so nothing executable is ever stored or shown.
Cookie/consent boxes (by class/id) are removed too, and trafilatura is given a whole document (see
``_sanitised_tree``).

What trafilatura returns is turned into blocks and sorted block by block (html_blocks): a block
is left out, with its reason in ``dropped``, when it is a caption, the headline again, page
furniture (the plain-text parser's rules), a byline or date line at the top, navigation as the
page's markup shows it (link text, teasers in a listing, the page's text run together —
pagebody.Page.judge), the label of a link list, a kicker above the first paragraph, or a heading
with nothing after it.

Short articles (a breaking item of two or three paragraphs) give trafilatura's statistics little
to go on. When it yields less than MIN_PRECISE_CHARS of prose, the article is read from the
page's own markup instead (pagebody.Page.article: its ``articleBody``, ``<article>``, ``<main>``
or the element with the most prose) if that gives more. The page is refused when that markup
shows a row of teaser cards, or more link text than twice the prose — unless trafilatura's
paragraphs are the content area's own and there are two of them, or the page declares itself an
article (refusals.article_after_all). Error pages ("Page not found") and consent walls are refused
by their title or ``<h1>`` (refusals). A page is an article only if at least one paragraph reads
as prose.

Tuning, and why:

* ``favor_precision=True`` — news pages carry "read also" lists, share bars and teasers that
  recall mode lets in; when precision finds too little text the balanced default runs instead.
* ``include_formatting=True`` — keeps ``<head>`` elements in trafilatura's XML: our headings.
* ``include_comments=False``, ``include_images=False`` (captions are read separately).
* ``target_language`` — the page's own language (``<html lang>``) or the import default. Without
  py3langid trafilatura only uses it to refuse pages whose og:locale/content-language disagrees,
  and to pick jusText's stoplist; when it refuses, extraction is retried without it.
* dates: ``extensive_search=False`` — htmldate reads only markup (meta tags, JSON-LD, ``<time>``,
  dated URLs), never guesses from free text; ``original_date=True`` prefers the publication date
  to the last-modified one. Failing that, a visible ``<time>``/date element is read with dates.py.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date

import lxml.html
import trafilatura
from lxml import etree

from archive.ingest import dates, html_blocks, pagebody, refusals
from archive.ingest.html_text import clean, key, meta, same, text_of
from archive.ingest.plaintext import NoArticleError
from archive.ingest.plaintext.credits import split_caption_credit
from archive.ingest.sanitize import clean_page
from archive.ingest.types import Block, Caption, DroppedLine, ParsedArticle

__all__ = ["parse_html", "sniff_charset"]

# trafilatura logs every page it discards or cannot date; our report says what happened instead.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

STANDFIRST_MAX_WORDS = 80
MIN_PRECISE_CHARS = 200  # below this, precision mode probably cut the article: try balanced
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Control characters (a parse error in HTML, shown as nothing) that lxml refuses in a text node:
# left in, one stray \x0b in a heading made trafilatura raise and the page fail as a parser bug.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CREDIT_CLASS = re.compile(r"credit|copyright|photographer|source|byline|author", re.IGNORECASE)
_LEAD_CLASS = re.compile(
    r"(?:^|[\s_-])(?:lead|standfirst|dek|summary|excerpt|subtitle|sub-title|subheadline|intro)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
_DATE_CLASS = re.compile(r"date|time|publish", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"(?:javascript|vbscript):", re.IGNORECASE)
_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}


def sniff_charset(data: bytes) -> str:
    """The charset a page declares in its first 4 KB (``<meta charset>`` or http-equiv)."""
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else ""


def _words(text: str) -> int:
    return len(text.split())


def _hostile_counts(tree) -> list[str]:
    scripts = sum(
        1 for s in tree.iter("script") if (s.get("type") or "").strip().lower() in _SCRIPT_TYPES
    )
    handlers = javascript = 0
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                handlers += 1
            elif _SCRIPT_URL.match(re.sub(r"[\s\x00-\x1f]", "", value)):
                javascript += 1
    parts = [
        f"{count} {label}{'s' if count > 1 else ''}"
        for count, label in (
            (scripts, "script"),
            (handlers, "event handler"),
            (javascript, "javascript: link"),
        )
        if count
    ]
    return [f"removed {', '.join(parts)}"] if parts else []


def _language(tree, hint: str) -> str:
    for value in (
        tree.get("lang"),
        tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
        meta(tree, "og:locale", "content-language", "language"),
    ):
        code = (value or "").strip().lower()[:2]
        if code in ("ar", "en"):
            return code
    return hint


def _captions(tree) -> list[Caption]:
    captions = []
    for figcaption in tree.iter("figcaption"):
        credit = ""
        for child in figcaption.iter():
            if child is figcaption or not isinstance(child.tag, str):
                continue
            if child.tag in ("small", "cite") or _CREDIT_CLASS.search(child.get("class") or ""):
                credit = clean(text_of(child)).strip("()[] ")
                break
        text = clean(text_of(figcaption))
        if credit:
            text = clean(text.replace(credit, "", 1)).strip(" ()[]-–—|،,")
            caption = Caption(text, credit)
        else:
            caption = split_caption_credit(text)
        if caption.text or caption.credit:
            captions.append(caption)
    return list(dict.fromkeys(captions))


def _lead_paragraph(tree) -> str:
    for element in tree.xpath("//p[@class]|//h2[@class]|//div[@class]"):
        if _LEAD_CLASS.search(element.get("class") or ""):
            text = clean(text_of(element))
            if 0 < _words(text) <= STANDFIRST_MAX_WORDS:
                return text
    return ""


def _json_ld(tree) -> list[dict]:
    found = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        items = data if isinstance(data, list) else [data]
        for item in items:
            if isinstance(item, dict):
                found.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    found.extend(entry for entry in graph if isinstance(entry, dict))
    return found


def _visible_date(tree) -> dates.FoundDate | None:
    for element in tree.iter("time"):
        for value in (element.get("datetime"), text_of(element)):
            found = dates.parse_datetime_value(value or "")
            if found:
                return found
    for element in tree.xpath("//*[@class or @itemprop]"):
        label = f"{element.get('class') or ''} {element.get('itemprop') or ''}"
        if _DATE_CLASS.search(label) and not _CREDIT_CLASS.search(label):
            text = text_of(element)
            if 0 < len(text) <= 80:
                found = dates.parse_date(text)
                if found:
                    return found
    return None


def _sanitised_tree(tree):
    """The page's body, sanitised (nh3), as a whole document; cookie/consent boxes removed.

    nh3 returns a fragment (no ``<html>``/``<body>``, the ``<title>`` text left loose in front);
    trafilatura refuses a fragment whose top level holds fewer than two elements as "not valid
    HTML" — which is most pages, whose body is one wrapper ``<div>`` once scripts are gone.
    """
    body = tree.body if tree.find("body") is not None else tree
    fragment = clean_page(lxml.html.tostring(body, encoding="unicode"))
    root = lxml.html.document_fromstring(f"<html><head></head><body>{fragment}</body></html>")
    pagebody.remove_consent_boxes(root)
    return root


def _extract(page: str, url: str, language: str):
    options = dict(
        url=url or None,
        with_metadata=False,
        include_formatting=True,
        include_comments=False,
        include_images=False,
        include_tables=True,
        deduplicate=False,
    )
    attempts = [(True, language or None)]
    if language:
        attempts.append((True, None))  # refused for its og:locale: try without a language
    attempts.append((False, None))  # balanced mode (with its own recall retry)
    best = None
    for precision, lang in attempts:
        document = trafilatura.bare_extraction(
            page, favor_precision=precision, target_language=lang, **options
        )
        if document is None:
            continue
        if len(document.text or "") >= MIN_PRECISE_CHARS:
            return document
        if best is None or len(document.text or "") > len(best.text or ""):
            best = document
    return best


def parse_html(page: str, *, url: str = "", language: str = "") -> ParsedArticle:
    """Parse one saved article page; `url` (e.g. a WARC record's target) wins over the page's own.

    Raises NoArticleError when the page holds no article text.
    """
    page = _CONTROL.sub("", _XML_DECLARATION.sub("", page))
    if not page.strip():
        raise NoArticleError("No article: the page is empty.")
    try:
        tree = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError) as error:
        raise NoArticleError(f"No article: the page cannot be read as HTML ({error}).") from None

    notes = _hostile_counts(tree)
    language = _language(tree, language)
    metadata = trafilatura.extract_metadata(
        lxml.html.document_fromstring(page),
        default_url=url or None,
        date_config={
            "extensive_search": False,
            "original_date": True,
            "max_date": date.today().isoformat(),
        },
        extensive=False,
    )
    ld = _json_ld(tree)

    title = clean(metadata.title)
    if not title:
        h1 = tree.find(".//h1")
        title = clean(text_of(h1)) if h1 is not None else ""
    sitename = clean(metadata.sitename)
    if sitename and title:
        title = re.sub(rf"\s*[|\-–—:]\s*{re.escape(sitename)}\s*$", "", title) or title

    if not title:
        raise NoArticleError("No article: the page has no title (no <title>, og:title or <h1>).")
    clean_tree = _sanitised_tree(tree)
    view = pagebody.Page(clean_tree)
    headlines = [clean(text_of(h1)) for h1 in tree.iter("h1")]
    if refusals.error_page(title, *headlines) or refusals.consent_wall(title, *headlines):
        raise NoArticleError(_no_text(title))
    document = _extract(lxml.html.tostring(clean_tree, encoding="unicode"), url, language)
    body = document.body if document is not None else None
    captions = _captions(tree)
    extracted = html_blocks.blocks_of(body, title)
    blocks, dropped = html_blocks.sort_out(extracted, title, captions, view)
    if html_blocks.prose_chars(blocks) < MIN_PRECISE_CHARS:
        # Too little for trafilatura's statistics: read the article the way the markup lays it
        # out, unless the markup says the page is a list of links or teasers.
        verdict = view.article()
        if (
            verdict is not None
            and verdict.listing
            and not refusals.article_after_all(verdict, blocks, tree, ld)
        ):
            reasons = {line.line: line.reason for line in dropped}
            dropped = [
                DroppedLine(number, block.text, reasons.get(number, "list of links or teasers"))
                for number, block in enumerate(extracted, start=1)
            ]
            blocks = []
        elif verdict is not None:
            own, own_dropped = html_blocks.sort_out(
                [Block(run.kind, run.text) for run in verdict.runs], title, captions, None
            )
            if html_blocks.quality(own) > html_blocks.quality(blocks):
                blocks, dropped = own, own_dropped
                notes.append(f"article text read from the page's {verdict.where}")

    standfirst = _lead_paragraph(tree) or meta(
        tree, "og:description", "twitter:description", "description"
    )
    if not standfirst:
        standfirst = next(
            (clean(item.get("description")) for item in ld if item.get("description")), ""
        )
    standfirst = _standfirst(standfirst, blocks)
    if standfirst and blocks and same(blocks[0].text, standfirst):
        blocks = blocks[1:]

    if not any(block.kind == "paragraph" and pagebody.is_prose(block.text) for block in blocks):
        raise NoArticleError(_no_text(title))

    published, warnings = _published(metadata.date, tree)
    page_url = url or clean(metadata.url)
    if not re.match(r"^https?://\S+$", page_url or ""):
        page_url = ""
    tags = _meta_all(tree, "article:tag")
    return ParsedArticle(
        title=title,
        blocks=blocks,
        standfirst=standfirst,
        captions=captions,
        author=clean(metadata.author),
        section=meta(tree, "article:section") or _first(metadata.categories),
        url=page_url,
        language=language,
        published=published.date if published else None,
        published_precision=published.precision if published else "",
        tags=tags[:20],
        dropped=dropped,
        warnings=warnings,
        notes=notes,
    )


def _no_text(title: str) -> str:
    return (
        f"No article: the page titled {title!r} has no article text "
        "(only navigation, links or page furniture)."
    )


def _first(values) -> str:
    return clean(values[0]) if values else ""


def _meta_all(tree, name: str) -> list[str]:
    values = [clean(e.get("content")) for e in tree.xpath(f'//meta[@property="{name}"][@content]')]
    return list(dict.fromkeys(value for value in values if value and len(value) <= 100))


def _standfirst(candidate: str, blocks: list[Block]) -> str:
    """The description, unless it is only the start of the first paragraph cut short."""
    candidate = candidate.strip()
    if not candidate or _words(candidate) > STANDFIRST_MAX_WORDS:
        return ""
    first = blocks[0].text if blocks else ""
    stem = candidate.rstrip(".… ").rstrip()
    if first and not same(first, candidate) and key(first).startswith(key(stem)):
        return ""  # an automatic excerpt of the body
    if any(same(block.text, candidate) for block in blocks[1:]):
        return ""
    return candidate


def _published(value, tree) -> tuple[dates.FoundDate | None, list[str]]:
    found = dates.parse_datetime_value(value or "") if value else None
    if found is None:
        found = _visible_date(tree)
    if found is None:
        return None, [
            "No publication date found in the page's metadata or date elements; "
            "published is left empty."
        ]
    warnings = [f"Publication date {found.note}."] if found.note else []
    if found.precision != dates.DAY:
        warnings.append(f"Only the {found.precision} of publication is known.")
    return found, warnings
