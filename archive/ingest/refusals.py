"""Saved pages that are no article, though they may hold prose. Pure.

``error_page`` and ``consent_wall`` recognise an error page ("Page not found", "الصفحة غير
موجودة") and a cookie/consent wall ("We value your privacy", "قبل أن تتابع") by their title or
``<h1>``: html.py refuses such a page whatever its text.

A page whose own markup reads as a listing (pagebody.Verdict.listing: a row of teaser cards, or
more link text than twice the prose) is refused too when trafilatura found too little prose —
unless the article is there after all (``article_after_all``): a short article set in a content
area that also holds a long plain list of links.
"""

from __future__ import annotations

import re

from archive.ingest import pagebody
from archive.ingest.html_text import key, meta
from archive.ingest.plaintext.text import fold, rx, word_count
from archive.ingest.types import Block

__all__ = ["article_after_all", "consent_wall", "error_page"]

_ERROR = rx(
    r"^(?:error\s*)?(?:400|401|403|404|410|500|502|503)(?:\s*[-–—:|.!]|\s+(?:error|not\s+found"
    r"|forbidden|page)|$)"
    r"|\b(?:page|article|story|content|file)\s+(?:was\s+|is\s+)?not\s+found\b|^not\s+found\b"
    r"|\bpage\s+(?:does\s+not|doesn't|no\s+longer)\s+exists?\b"
    r"|\b(?:can't|cannot|couldn't|could\s+not)\s+(?:be\s+)?f(?:ou)?nd\s+(?:the|that|this)\s+page"
    r"|^(?:access\s+denied|forbidden|page\s+unavailable|service\s+unavailable)\b"
    r"|(?:الصفحة|الرابط|المحتوى|المقال|الخبر)\s+(?:المطلوبة?\s+)?(?:غير\s+(?:موجود|متوفر|متاح)"
    r"|لم\s+يعد\s+موجودا)|خطأ\s*404|لم\s+(?:يتم\s+العثور|نعثر)\s+على\s+(?:الصفحة|الرابط)"
)
_CONSENT = rx(
    r"^before\s+you\s+continue|\bwe\s+(?:value|care\s+about|respect)\s+your\s+privacy"
    r"|^(?:cookie|privacy)\s+(?:consent|settings|preferences|choices|notice)\b"
    r"|\byour\s+privacy\s+(?:choices|settings)\b"
    r"|قبل\s+(?:أن\s+)?(?:تتابع|المتابعة|الاستمرار)|نحترم\s+خصوصيتك|نحن\s+نهتم\s+بخصوصيتك"
    r"|إعدادات\s+(?:الخصوصية|ملفات\s+تعريف\s+الارتباط)"
)
_TITLE_MAX_WORDS = 12


def error_page(*labels: str) -> str:
    """The title or ``<h1>`` that says the page is an error page ("Page not found"), or ""."""
    return next((label for label in labels if _matches(_ERROR, label)), "")


def consent_wall(*labels: str) -> str:
    """The title or ``<h1>`` that says the page is a cookie/consent wall, or ""."""
    return next((label for label in labels if _matches(_CONSENT, label)), "")


def _matches(pattern: re.Pattern[str], label: str) -> bool:
    label = " ".join((label or "").split())
    return (
        bool(label) and word_count(label) <= _TITLE_MAX_WORDS and bool(pattern.search(fold(label)))
    )


def article_after_all(verdict: pagebody.Verdict, blocks: list[Block], tree, ld: list[dict]) -> bool:
    """A short article set in a content area that also holds a long list of links (no teaser
    cards): trafilatura's paragraphs are the area's own, and there are two of them or the page
    says it is an article (og:type, JSON-LD, article:published_time). A tag page's one-line
    blurb above its links is neither."""
    if verdict.teasers:
        return False
    own = {key(run.text) for run in verdict.runs if run.kind == "paragraph"}
    prose = [b for b in blocks if b.kind == "paragraph" and pagebody.is_prose(b.text)]
    if not prose or any(key(block.text) not in own for block in prose):
        return False
    return len(prose) >= 2 or _declares_article(tree, ld)


_ARTICLE_TYPES = re.compile(r"article|posting|report", re.IGNORECASE)


def _declares_article(tree, ld: list[dict]) -> bool:
    if meta(tree, "og:type").lower() == "article" or meta(tree, "article:published_time"):
        return True
    types = [item.get("@type") for item in ld]
    names = [t for value in types for t in (value if isinstance(value, list) else [value])]
    return any(isinstance(name, str) and _ARTICLE_TYPES.search(name) for name in names)
