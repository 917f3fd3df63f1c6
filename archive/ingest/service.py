"""Import files into the archive: the one path used by `import_articles` and the admin.

Each article is stored in its own transaction together with the original file it came from, so a
record either lands whole or not at all; a file that cannot be read as a whole leaves nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from archive.ingest import records
from archive.ingest.decode import UnreadableFile, decode_text
from archive.ingest.plaintext import parse_plaintext
from archive.ingest.types import ParsedArticle
from archive.models import Article, Original, Source, Tag
from search import arabic

IMPORTED, UPDATED, SKIPPED, FAILED = "imported", "updated", "skipped", "failed"
STATUSES = (IMPORTED, UPDATED, SKIPPED, FAILED)

# Extension → format name. HTML, zip and web archives arrive with the ingest work (issue 5).
FORMATS = {".txt": "txt", ".json": "json", ".jsonl": "jsonl", ".csv": "csv"}


@dataclass(frozen=True)
class Defaults:
    """Values for articles whose file does not say (the record's own value wins)."""

    source: str = ""
    section: str = ""
    language: str = ""


@dataclass
class Outcome:
    name: str  # the file, plus the record position for multi-record files
    status: str
    message: str = ""
    article_id: int | None = None


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def counts(self) -> Counter:
        return Counter(outcome.status for outcome in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == FAILED]

    def summary(self) -> str:
        counts = self.counts()
        return ", ".join(f"{status} {counts[status]}" for status in STATUSES)


def find_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Yield (file, problem) for every path; folders are walked recursively in a stable order.

    Inside a folder, files of other kinds and hidden files are passed over silently (a folder of
    saved pages holds images too); a file named explicitly is always reported on.
    """
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and child.suffix.lower() in FORMATS:
                    yield child, ""
        elif path.is_file():
            yield path, ""
        else:
            yield path, "no such file or folder"


def ingest_paths(
    paths: Iterable[Path], defaults: Defaults = Defaults(), *, dry_run: bool = False
) -> Report:
    report = Report()
    for path, problem in find_files(paths):
        if problem:
            report.outcomes.append(Outcome(str(path), FAILED, problem))
            continue
        try:
            data = _read_limited(path)
        except (OSError, UnreadableFile) as error:
            report.outcomes.append(Outcome(str(path), FAILED, _reason(error)))
            continue
        report.outcomes.extend(ingest_bytes(str(path), data, defaults, dry_run=dry_run))
    return report


def _reason(error: Exception) -> str:
    return error.strerror if isinstance(error, OSError) and error.strerror else str(error)


def _read_limited(path: Path) -> bytes:
    limit = settings.ARCHIVE_MAX_FILE_BYTES
    size = path.stat().st_size
    if size > limit:
        raise UnreadableFile(
            f"the file is {size / 1048576:.1f} MB, over the {limit // 1048576} MB limit"
        )
    return path.read_bytes()


def ingest_bytes(
    name: str, data: bytes, defaults: Defaults = Defaults(), *, dry_run: bool = False
) -> list[Outcome]:
    """Import one file's content; `name` is what reports call it and decides its format."""
    fmt = FORMATS.get(Path(name).suffix.lower())
    if fmt is None:
        supported = ", ".join(sorted(FORMATS))
        return [Outcome(name, FAILED, f"unsupported file type (supported: {supported})")]
    try:
        parsed = _parse(fmt, decode_text(data))
    except (UnreadableFile, records.RecordError, ValueError) as error:
        return [Outcome(name, FAILED, str(error))]

    original = _OriginalFile(name, data, fmt)
    outcomes = []
    for position, number, article, error in parsed:
        label = f"{name} ({position})" if position else name
        if error:
            outcomes.append(Outcome(label, FAILED, error))
        else:
            outcomes.append(
                store(article, original, number, defaults, dry_run=dry_run, label=label)
            )
    return outcomes


def _parse(fmt: str, text: str) -> list[tuple[str, int | None, ParsedArticle | None, str]]:
    """Parse a whole file before anything is written, so a file-level error leaves nothing."""
    if fmt == "txt":
        return [("", None, parse_plaintext(text), "")]
    reader = {"json": records.read_json, "jsonl": records.read_jsonl, "csv": records.read_csv}[fmt]
    parsed = [(r.position, r.number, r.article, r.error) for r in reader(text)]
    # A single-object JSON file is one article: report it by file name alone.
    if fmt == "json" and len(parsed) == 1:
        parsed = [("", *parsed[0][1:])]
    return parsed


@dataclass
class _OriginalFile:
    name: str
    data: bytes
    fmt: str

    def __post_init__(self):
        self.sha256 = hashlib.sha256(self.data).hexdigest()

    def get_or_create(self) -> Original:
        original, _ = Original.objects.get_or_create(
            sha256=self.sha256,
            defaults={
                "filename": Path(self.name).name,
                "content": self.data,
                "size": len(self.data),
                "format": self.fmt,
            },
        )
        return original


def _article_fields(parsed: ParsedArticle, defaults: Defaults) -> dict:
    body = Article.body_from_blocks([{"text": block.text} for block in parsed.blocks])
    language = (
        parsed.language or defaults.language or arabic.detect_language(f"{parsed.title}\n{body}")
    )
    source_name = parsed.source or defaults.source
    return {
        "title": parsed.title,
        "standfirst": parsed.standfirst,
        "blocks": [{"kind": block.kind, "text": block.text} for block in parsed.blocks],
        "captions": [{"text": c.text, "credit": c.credit} for c in parsed.captions],
        "author": parsed.author,
        "section": parsed.section or defaults.section,
        "language": language or Article.Language.ARABIC,
        "published": parsed.published,
        "url": parsed.url or None,
        "needs_review": bool(parsed.warnings),
        "review_reason": "; ".join(parsed.warnings),
        "dropped_lines": [
            {"line": line.line, "text": line.text, "reason": line.reason} for line in parsed.dropped
        ],
        "source": (Source.objects.get_or_create(name=source_name)[0] if source_name else None),
    }


def store(
    parsed: ParsedArticle,
    original: _OriginalFile,
    record_number: int | None,
    defaults: Defaults = Defaults(),
    *,
    dry_run: bool = False,
    label: str = "",
) -> Outcome:
    """Create, update (same URL) or skip (same URL and text, or same text) one article."""
    label = label or original.name
    try:
        with transaction.atomic():
            outcome = _store(parsed, original, record_number, defaults, label)
            if dry_run:
                transaction.set_rollback(True)
            return outcome
    except IntegrityError:
        # Only the content hash is left to collide: an update made the text equal another's.
        title, body = parsed.title, parsed.body_text
        twin = Article.objects.filter(content_hash=Article.hash_content(title, body)).first()
        where = f" #{twin.pk}" if twin else ""
        return Outcome(label, FAILED, f"the same text is already stored as article{where}")


def _store(parsed, original, record_number, defaults, label) -> Outcome:
    fields = _article_fields(parsed, defaults)
    existing = Article.objects.filter(url=fields["url"]).first() if fields["url"] else None
    if existing is None:
        content_hash = Article.hash_content(
            fields["title"], Article.body_from_blocks(fields["blocks"])
        )
        twin = Article.objects.filter(content_hash=content_hash).only("pk").first()
        if twin is not None:
            return Outcome(label, SKIPPED, f"same text as article #{twin.pk}", twin.pk)
        article = Article(**fields)
        article.original = original.get_or_create()
        article.original_record = record_number
        article.save()
        _set_tags(article, parsed.tags)
        return Outcome(label, IMPORTED, "", article.pk)

    changed = [name for name, value in fields.items() if getattr(existing, name) != value]
    tags_changed = set(parsed.tags) != set(existing.tags.values_list("name", flat=True))
    if not changed and not tags_changed:
        return Outcome(label, SKIPPED, f"already imported as article #{existing.pk}", existing.pk)
    for name in changed:
        setattr(existing, name, fields[name])
    existing.original = original.get_or_create()
    existing.original_record = record_number
    existing.save()
    _set_tags(existing, parsed.tags)
    return Outcome(
        label, UPDATED, f"article #{existing.pk}: {', '.join(changed) or 'tags'}", existing.pk
    )


def _set_tags(article: Article, names: list[str]) -> None:
    article.tags.set([Tag.objects.get_or_create(name=name[:100])[0] for name in names])
