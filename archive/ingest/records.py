"""Structured exports (JSON, JSON Lines, CSV) to ParsedArticle. Pure functions.

Every record is checked on its own: a bad record is reported with its position and the field at
fault, and the good records in the same file still import. JSON Lines and CSV are read record by
record by archive.ingest.stream; a JSON document is read whole (read_json).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from archive.ingest import dates
from archive.ingest.sanitize import plain_text
from archive.ingest.types import Block, ParsedArticle

LANGUAGES = {"ar", "en"}
_BLANK_LINES = re.compile(r"\n\s*\n")
_MAX_TITLE = 1000


class RecordError(ValueError):
    """A record that cannot become an article; `field` names the culprit when there is one."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


@dataclass
class RecordResult:
    """One record of a file: where it is, and either the article or why it is not one."""

    position: str  # "line 3", "record 2"; "" for a file that is one article
    number: int | None  # None for a file that is one article (txt, html)
    article: ParsedArticle | None = None
    error: str = ""


def body_blocks(body: str) -> list[Block]:
    """Split a plain-text body into paragraphs on blank lines (single newlines when none).

    A body exported with HTML markup (<p>…</p>) is reduced to its text, one block per paragraph.
    """
    body = plain_text(body, keep_paragraphs=True)
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    chunks = _BLANK_LINES.split(body) if _BLANK_LINES.search(body) else body.split("\n")
    return [Block("paragraph", " ".join(chunk.split())) for chunk in chunks if chunk.strip()]


def parse_published_date(value) -> dates.FoundDate | None:
    """ISO 8601 first; then a written date ("6 فبراير 2019", "شباط 2019") with its precision.

    Relative dates ("yesterday", "الشهر الماضي") have nothing to be relative to: an error.
    """
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise RecordError("must be an ISO 8601 date such as 2019-02-06", "published")
    text = value.strip()
    try:
        day = date.fromisoformat(text[:10]) if len(text) == 10 else _parse_datetime(text)
        return dates.FoundDate(day, dates.DAY)
    except ValueError:
        pass
    found = dates.parse_date(text)
    if found is None:
        raise RecordError(f"{value!r} is not an ISO 8601 date such as 2019-02-06", "published")
    return found


def _parse_datetime(text: str) -> date:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).date()


def _text_field(record: dict, key: str, *, required: bool = False) -> str:
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise RecordError("is missing or empty", key)
        return ""
    if not isinstance(value, str):
        raise RecordError(f"must be text, got {type(value).__name__}", key)
    value = value.strip()
    if required and not value:
        raise RecordError("is missing or empty", key)
    return value


def _tags(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        # CSV cells cannot hold lists: accept "a; b" or "a, b".
        parts = re.split(r"[;,،]", value)
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        parts = value
    else:
        raise RecordError("must be a list of strings", "tags")
    return list(dict.fromkeys(part.strip() for part in parts if part.strip()))


def article_from_record(record) -> ParsedArticle:
    """Validate one export record (a dict of the documented keys) into a ParsedArticle."""
    if not isinstance(record, dict):
        raise RecordError(f"must be an object with title and body, got {type(record).__name__}")
    title = " ".join(_text_field(record, "title", required=True).split())
    if len(title) > _MAX_TITLE:
        raise RecordError(f"is longer than {_MAX_TITLE} characters", "title")
    blocks = body_blocks(_text_field(record, "body", required=True))
    if not blocks:
        raise RecordError("is missing or empty", "body")
    language = _text_field(record, "language").lower()
    if language and language not in LANGUAGES:
        raise RecordError(f"must be one of ar, en; got {language!r}", "language")
    url = _text_field(record, "url")
    if url and not re.match(r"^https?://\S+$", url):
        raise RecordError(f"{url!r} is not an http(s) URL", "url")
    found = parse_published_date(record.get("published"))
    published = found.date if found else None
    article = ParsedArticle(
        title=title,
        blocks=blocks,
        standfirst=_text_field(record, "standfirst"),
        author=_text_field(record, "author"),
        section=_text_field(record, "section"),
        source=_text_field(record, "source"),
        url=url,
        language=language,
        published=published,
        published_precision=found.precision if found else "",
        tags=_tags(record.get("tags")),
    )
    if published is None:
        article.warnings.append("no publication date given")
    elif found.note:
        article.warnings.append(f"publication date {found.note}")
    return article


def result(position: str, number: int, record) -> RecordResult:
    try:
        return RecordResult(position, number, article=article_from_record(record))
    except RecordError as error:
        return RecordResult(position, number, error=str(error))


def read_json(text: str) -> Iterator[RecordResult]:
    """A JSON file holding one article object or a list of them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RecordError(
            f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    if isinstance(data, dict):
        yield result("record 1", 1, data)
        return
    if not isinstance(data, list):
        raise RecordError("a JSON file must hold an article object or a list of them")
    if not data:
        raise RecordError("the JSON list is empty")
    for index, record in enumerate(data, start=1):
        yield result(f"record {index}", index, record)
