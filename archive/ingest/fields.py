"""What a parsed article becomes: the field values of its Article, and the preview of it.

``article_fields`` maps a ParsedArticle to Article field values, falling back on the import's
Defaults where the file says nothing (its own values win) and flagging for review whatever has
warnings. ``article_preview`` is what an editor sees of the article before confirming an import,
and what the report keeps: title, date and precision, counts, warnings, the entities it names
and, once the store has looked, what it duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import get_language

from archive.ingest.types import ParsedArticle
from archive.models import Article, Source
from search.analysis import arabic
from search.entities.tagging import entities_in


@dataclass(frozen=True)
class Defaults:
    """Values for articles whose file does not say (the record's own value wins)."""

    source: str = ""
    section: str = ""
    language: str = ""


def article_fields(
    parsed: ParsedArticle, defaults: Defaults, named: Callable[[type, str], object]
) -> dict:
    """Article field values; `named` gives the Source of a name (ArticleStore.named)."""
    body = Article.body_from_blocks([{"text": block.text} for block in parsed.blocks])
    language = (
        parsed.language or defaults.language or arabic.detect_language(f"{parsed.title}\n{body}")
    )
    source_name = parsed.source or defaults.source
    warnings = list(parsed.warnings)
    return {
        "title": parsed.title,
        "standfirst": parsed.standfirst,
        "blocks": [{"kind": block.kind, "text": block.text} for block in parsed.blocks],
        "captions": [{"text": c.text, "credit": c.credit} for c in parsed.captions],
        "author": parsed.author,
        "section": parsed.section or defaults.section,
        "language": language or Article.Language.ARABIC,
        "published": parsed.published,
        "published_precision": (parsed.published_precision or "day") if parsed.published else "",
        "url": parsed.url or None,
        "needs_review": bool(warnings),
        "review_reason": "; ".join(warnings),
        "dropped_lines": [
            {"line": line.line, "text": line.text, "reason": line.reason} for line in parsed.dropped
        ],
        "source": named(Source, source_name) if source_name else None,
    }


def article_preview(parsed: ParsedArticle, fields: dict) -> dict:
    """What an editor sees of an article before confirming an import (and in the report)."""
    return {
        "title": fields["title"],
        "published": fields["published"].isoformat() if fields["published"] else None,
        "precision": fields["published_precision"] or None,
        "author": fields["author"],
        "source": fields["source"].name if fields["source"] else "",
        "section": fields["section"],
        "language": fields["language"],
        "url": fields["url"] or "",
        "paragraphs": sum(1 for block in fields["blocks"] if block["kind"] == "paragraph"),
        "captions": len(fields["captions"]),
        "warnings": list(parsed.warnings),
        "notes": list(parsed.notes),
        "duplicate_of": None,
        "near_duplicate_of": None,
        "similarity": None,
        # The gazetteer's entities the text names, as tagging will record them.
        "entities": entities_in(_plain_text(fields), get_language() or "ar"),
    }


def _plain_text(fields: dict) -> str:
    """The text tagging will read (Article.searchable_text), so it is analysed once."""
    captions = [caption["text"] for caption in fields["captions"]]
    body = Article.body_from_blocks(fields["blocks"])
    return Article.searchable_text_of(fields["title"], fields["standfirst"], captions, body)
