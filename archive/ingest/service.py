"""Import files into the archive: the one path used by `import_articles`, `reparse` and the admin.

Each article is stored atomically together with the original file it came from (in a savepoint of
its own; the articles of one file are committed in groups of STORE_BATCH), so a record either lands
whole or not at all; a file that cannot be read as a whole (not decodable, a malformed JSON
document, a zip bomb, a damaged WARC) is refused before anything in it is stored.

What happens to each article:

* a known URL → updated in place (or skipped when nothing changed);
* the same normalised text as a stored article → skipped, naming that article;
* a near-duplicate (≥ 80 % of word triples shared with a stored body, found by MinHash LSH and
  checked exactly) → imported, linked to the first article stored (``near_duplicate_of``);
* anything an editor should check (no date, a converted Hijri date, a guessed encoding) → imported
  with ``needs_review`` and the reasons.

A dry run does all of it inside transactions that are rolled back, and remembers within the run
what it "stored", so a preview also reports duplicates between the files of one upload.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import get_language

from archive import rows
from archive.ingest import neardup, records
from archive.ingest.archives import ArchiveError, Budget, Limits, too_large
from archive.ingest.decode import UnreadableFile, decode
from archive.ingest.plaintext import NoArticleError, parse_plaintext
from archive.ingest.sanitize import clean_article
from archive.ingest.types import ParsedArticle
from archive.models import Article, Original, Source, Tag
from search.analysis import arabic
from search.entities.tagging import entities_in

log = logging.getLogger(__name__)

IMPORTED, UPDATED, SKIPPED, FAILED = "imported", "updated", "skipped", "failed"
STATUSES = (IMPORTED, UPDATED, SKIPPED, FAILED)
# Articles of one file committed together, each still in a savepoint of its own (_store_batch).
STORE_BATCH = 50

# Extension → format name. ".warc.gz" is matched before ".gz" would be.
FORMATS = {
    ".txt": "txt",
    ".json": "json",
    ".jsonl": "jsonl",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".zip": "zip",
    ".warc": "warc",
    ".warc.gz": "warc",
}
TEXT_FORMATS = {"txt", "json", "jsonl", "csv", "html"}


def format_of(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(".warc.gz"):
        return "warc"
    return FORMATS.get(Path(lower).suffix)


def supported() -> str:
    return ", ".join(sorted(FORMATS))


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
    # What the article looks like (title, date and precision, duplicates …): previews, reports.
    preview: dict | None = None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "status": self.status,
            "message": self.message,
            "article_id": self.article_id,
            "preview": self.preview,
        }


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    # Set when a preview stopped early (ARCHIVE_PREVIEW_RECORDS): what it did not look at.
    unread_files: int = 0
    unread_records: int = 0

    def counts(self) -> Counter:
        return Counter(outcome.status for outcome in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == FAILED]

    def summary(self) -> str:
        counts = self.counts()
        return ", ".join(f"{status} {counts[status]}" for status in STATUSES)


def limits() -> Limits:
    return Limits(
        max_file_bytes=settings.ARCHIVE_MAX_FILE_BYTES,
        max_members=settings.ARCHIVE_ZIP_MAX_FILES,
        max_total_bytes=settings.ARCHIVE_MAX_UNPACKED_BYTES,
        max_ratio=settings.ARCHIVE_MAX_COMPRESSION_RATIO,
    )


def _size_limit(name: str, limits: Limits) -> int:
    """Archives (zip, WARC) hold many files: they may be as large as what they may unpack to;
    each file inside them has the per-file limit."""
    return limits.max_total_bytes if format_of(name) in ("zip", "warc") else limits.max_file_bytes


def find_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Yield (file, problem) for every path; folders are walked recursively in a stable order.

    Inside a folder, files of other kinds and hidden files are passed over silently (a folder of
    saved pages holds images too); a file named explicitly is always reported on.
    """
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and format_of(child.name):
                    yield child, ""
        elif path.is_file():
            yield path, ""
        else:
            yield path, "no such file or folder"


# --- near-duplicates --------------------------------------------------------------------------


class _StoredSignatures:
    """The LSH index of the stored articles' signatures, kept for the life of the process.

    Building it costs about 0.3 ms per article (4 s for 12,000 on the reference machine), too
    much for every admin preview; so each process builds it once and, at the start of every
    import run, adds only the articles saved since (by their `updated` time, with a margin for
    transactions that committed late). Entries of deleted or since-edited articles may linger:
    every candidate is checked against the database before it counts, so they cost nothing.
    (`updated` is written by the application's clock: the margin also covers clock skew between
    machines sharing one database.)
    """

    MARGIN = timedelta(minutes=5)

    def __init__(self):
        self._lock = threading.Lock()
        self._index: neardup.LshIndex | None = None
        self._seen = None  # when the index was last brought up to date
        self._database = None

    def current(self, *, write: bool) -> neardup.LshIndex:
        with self._lock:
            database = connection.settings_dict.get("NAME")
            if self._index is None or self._database != database:
                self._index, self._seen, self._database = neardup.LshIndex(), None, database
            self._sign_missing(write)
            started = timezone.now()
            rows = Article.objects.exclude(minhash=b"").exclude(minhash__isnull=True)
            if self._seen is not None:
                rows = rows.filter(updated__gte=self._seen - self.MARGIN)
            for pk, value in rows.values_list("pk", "minhash").iterator(chunk_size=2000):
                self._index.add(pk, bytes(value))
            self._seen = started
            return self._index

    def _sign_missing(self, write: bool) -> None:
        """Articles stored without a signature (raw SQL, old rows): sign them now."""
        missing = Article.objects.filter(minhash__isnull=True).only("pk", "blocks")
        for article in missing.iterator(chunk_size=500):
            article.body = Article.body_from_blocks(article.blocks)
            value = neardup.signature(article.shingles()) or b""
            if write:
                Article.objects.filter(pk=article.pk).update(minhash=value)
            self._index.add(article.pk, value)

    def add(self, pk: int, value: bytes) -> None:
        with self._lock:
            if self._index is not None:
                self._index.add(pk, value)


_STORED = _StoredSignatures()


class NearDuplicates:
    """Near-duplicate lookups for one import run.

    Stored articles come from the process-wide index, brought up to date when the run first
    needs it; articles the run stores join it as they commit. A dry run stores nothing, so what
    it would have stored goes into a run-local index, keyed by label, with the shingles kept.
    """

    def __init__(self, *, write: bool = True):
        self._stored: neardup.LshIndex | None = None
        self._run = neardup.LshIndex()
        self._run_shingles: dict[str, frozenset[str]] = {}
        self._write = write

    @property
    def stored(self) -> neardup.LshIndex:
        if self._stored is None:
            self._stored = _STORED.current(write=self._write)
        return self._stored

    def find(self, article: Article) -> tuple[int | str, float] | None:
        """The stored article (id) or run label this one nearly duplicates, with similarity."""
        if not article.minhash:
            return None
        ids = [c for c in self.stored.candidates(article.minhash) if c != article.pk]
        labels = self._run.candidates(article.minhash) if self._run_shingles else []
        if not ids and not labels:
            return None
        mine = article.shingles()
        stored = Article.objects.filter(pk__in=ids).values_list(
            "pk", "blocks", "near_duplicate_of_id"
        )
        scored = [
            (root or pk, neardup.jaccard(mine, neardup.shingles(Article.body_from_blocks(blocks))))
            for pk, blocks, root in stored
        ]
        scored += [(label, neardup.jaccard(mine, self._run_shingles[label])) for label in labels]
        best: tuple[int | str, float] | None = None
        for key, similarity in scored:
            if similarity >= neardup.THRESHOLD and (best is None or similarity > best[1]):
                best = (key, similarity)
        return best

    def add(self, key: int | str, article: Article) -> None:
        if not article.minhash:
            return
        if isinstance(key, str):
            self._run.add(key, article.minhash)
            self._run_shingles[key] = article.shingles()
        else:
            _STORED.add(key, article.minhash)


# --- the import run ---------------------------------------------------------------------------


@dataclass
class _OriginalFile:
    name: str
    data: bytes
    fmt: str
    encoding: str = ""
    source_url: str = ""

    def __post_init__(self):
        self.sha256 = hashlib.sha256(self.data).hexdigest()
        # The row, once an article stored with it has committed (see Importer.store).
        self.row: Original | None = None

    def get_or_create(self) -> Original:
        if self.row is not None:
            return self.row
        original, _ = Original.objects.get_or_create(
            sha256=self.sha256,
            defaults={
                "filename": self.name[-500:],
                "content": self.data,
                "size": len(self.data),
                "format": self.fmt,
                "encoding": self.encoding[:40],
                "source_url": self.source_url[:2000],
            },
        )
        return original


@dataclass
class _Parsed:
    """One record of a file: its position, and the article or why there is none."""

    position: str
    number: int | None
    article: ParsedArticle | None
    error: str = ""


Progress = Callable[[int, int, str], None]


class Importer:
    """One import run: the same near-duplicate index and in-run memory for all its files."""

    def __init__(
        self,
        defaults: Defaults = Defaults(),
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        record_limit: int | None = None,
    ):
        self.defaults = defaults
        self.dry_run = dry_run
        self.progress = progress
        # A preview stops storing (and reading new files) once this many records are done.
        self.record_limit = record_limit
        self._records_done = 0
        self._records_left_out = 0
        self.neardups = NearDuplicates(write=not dry_run)
        # Sources and tags seen in the database by this run (never ones created in a transaction
        # that might still roll back).
        self._known: dict[tuple[type, str], object] = {}
        # Dry runs store nothing, so remember what they would have stored.
        self._run_hashes: dict[str, str] = {}
        self._run_urls: dict[str, str] = {}
        self._limits = limits()

    # Entry points ----------------------------------------------------------------------------

    def run_paths(self, paths: Iterable[Path], *, names: dict[Path, str] | None = None) -> Report:
        """Import files and folders; `names` gives a file a display name (uploads)."""
        report = Report()
        found = list(find_files(paths))
        for done, (path, problem) in enumerate(found, start=1):
            if self._limit_reached():
                report.unread_files = len(found) - done + 1
                break
            name = (names or {}).get(path, str(path))
            if problem:
                report.outcomes.append(Outcome(name, FAILED, problem))
            else:
                report.outcomes.extend(self.run_file_path(path, name))
            if self.progress:
                self.progress(done, len(found), name)
        report.unread_records = self._records_left_out
        return report

    def _limit_reached(self) -> bool:
        return self.record_limit is not None and self._records_done >= self.record_limit

    def run_file_path(self, path: Path, name: str) -> list[Outcome]:
        try:
            size = path.stat().st_size
            limit = _size_limit(name, self._limits)
            if size > limit:
                return [Outcome(name, FAILED, too_large(size, limit))]
            data = path.read_bytes()
        except OSError as error:
            return [Outcome(name, FAILED, error.strerror or str(error))]
        return self.run_file(name, data)

    def run_file(
        self, name: str, data: bytes, *, depth: int = 0, budget=None, stored_name: str = ""
    ) -> list[Outcome]:
        """Import one file's content; `name` is what reports call it and decides its format.

        `stored_name` is the name the original keeps (a zip member's path inside the zip).
        """
        stored_name = stored_name or Path(name).name
        fmt = format_of(name)
        if fmt is None:
            return [Outcome(name, FAILED, f"unsupported file type (supported: {supported()})")]
        limit = _size_limit(name, self._limits)
        if len(data) > limit:
            return [Outcome(name, FAILED, too_large(len(data), limit))]
        if fmt == "zip":
            return self._run_zip(name, data, depth, budget, stored_name)
        if fmt == "warc":
            return self._run_warc(name, data, stored_name)
        try:
            decoded, parsed = _parse_text_file(fmt, data, name)
        except (UnreadableFile, records.RecordError, NoArticleError, ValueError) as error:
            return [Outcome(name, FAILED, str(error))]
        except Exception as error:  # a parser bug fails this file, not the import
            log.exception("parsing %s failed", name)
            return [Outcome(name, FAILED, f"could not be read ({type(error).__name__}: {error})")]
        original = _OriginalFile(stored_name, data, fmt, decoded.encoding)
        return self._store_all(name, parsed, original, decoded.notes)

    # Containers ------------------------------------------------------------------------------

    def _run_zip(self, name: str, data: bytes, depth: int, budget, stored: str) -> list[Outcome]:
        from archive.ingest.archives import read_zip

        budget = budget or Budget(self._limits)
        try:
            members = read_zip(data, self._limits, budget=budget, label=Path(name).name)
        except ArchiveError as error:
            return [Outcome(name, FAILED, str(error))]
        outcomes: list[Outcome] = []
        readable = 0
        for member in members:
            label = f"{name}/{member.name}"
            if member.error:
                outcomes.append(Outcome(label, FAILED, member.error))
                continue
            fmt = format_of(member.name)
            if fmt is None:
                continue  # pictures and stylesheets beside saved pages, as in a folder
            readable += 1
            if fmt == "zip" and depth >= 1:
                outcomes.append(
                    Outcome(
                        label,
                        FAILED,
                        "a zip inside a zip inside a zip is not read: "
                        "unpack the outer archives first",
                    )
                )
                continue
            outcomes.extend(
                self.run_file(
                    label,
                    member.data,
                    depth=depth + 1,
                    budget=budget,
                    stored_name=f"{stored}/{member.name}",
                )
            )
        if not readable and not outcomes:
            message = f"the zip holds no files to import (supported: {supported()})"
            return [Outcome(name, FAILED, message)]
        return outcomes

    def _run_warc(self, name: str, data: bytes, stored: str) -> list[Outcome]:
        from archive.ingest.archives import read_warc
        from archive.ingest.html import parse_html, sniff_charset

        try:
            pages = read_warc(data, self._limits, label=Path(name).name)
        except ArchiveError as error:
            return [Outcome(name, FAILED, str(error))]
        if not pages:
            return [Outcome(name, FAILED, "the WARC file holds no HTML page with status 200")]
        # Parse every page first: a damaged page fails alone, but only after the file was read.
        outcomes = []
        for page in pages:
            label = f"{name} (record {page.number}: {page.uri})"
            if page.error:
                outcomes.append(Outcome(label, FAILED, page.error))
                continue
            try:
                decoded = decode(page.data, page.charset or sniff_charset(page.data))
                article = parse_html(decoded.text, url=page.uri, language=self.defaults.language)
            except (UnreadableFile, NoArticleError, ValueError) as error:
                outcomes.append(Outcome(label, FAILED, str(error)))
                continue
            except Exception as error:  # a parser bug fails this page, not the capture
                log.exception("parsing %s failed", label)
                message = f"could not be read ({type(error).__name__}: {error})"
                outcomes.append(Outcome(label, FAILED, message))
                continue
            member_name = f"{stored}#record-{page.number}.html"
            original = _OriginalFile(member_name, page.data, "html", decoded.encoding, page.uri)
            outcomes.extend(
                self._store_all(label, [_Parsed("", None, article)], original, decoded.notes)
            )
        return outcomes

    # Storing ---------------------------------------------------------------------------------

    def _store_all(
        self, name: str, parsed: list[_Parsed], original: _OriginalFile, notes: list[str]
    ) -> list[Outcome]:
        outcomes: list[Outcome | None] = []
        # Records waiting to be stored: (their place in outcomes, article, number, label).
        waiting: list[tuple[int, ParsedArticle, int | None, str]] = []
        for index, item in enumerate(parsed):
            if self._limit_reached():
                self._records_left_out += len(parsed) - index
                break
            self._records_done += 1
            label = f"{name} ({item.position})" if item.position else name
            if item.error or item.article is None:
                outcomes.append(Outcome(label, FAILED, item.error or "no article"))
                continue
            article = clean_article(item.article)
            article.warnings = [*notes, *article.warnings]
            waiting.append((len(outcomes), article, item.number, label))
            outcomes.append(None)
        for start in range(0, len(waiting), STORE_BATCH):
            batch = waiting[start : start + STORE_BATCH]
            stored = self._store_batch([record for _, *record in batch], original)
            for (place, *_), outcome in zip(batch, stored, strict=True):
                outcomes[place] = outcome
        return outcomes

    def _store_batch(self, records: list[tuple], original: _OriginalFile) -> list[Outcome]:
        """Store records of one file, each atomically, committing them together.

        Each article is stored in a savepoint of its own (see store): one that fails rolls back
        alone, so what is committed is exactly what per-article transactions would commit, and
        an article's index task becomes visible with it. One commit per batch instead of one
        per article spares most of the cost of committing. Should the commit itself fail, the
        records are stored again one transaction each, as if they had never been batched.
        """
        if self.dry_run or len(records) == 1:
            return [self.store(a, original, number, label=label) for a, number, label in records]
        try:
            with transaction.atomic():
                outcomes = [
                    self.store(a, original, number, label=label) for a, number, label in records
                ]
                if transaction.get_connection().needs_rollback:  # a savepoint could not roll back
                    raise DatabaseError("the transaction of the batch was broken")
            return outcomes
        except DatabaseError:
            log.warning(
                "committing %d articles at once failed; storing them one by one",
                len(records),
                exc_info=True,
            )
            # Forget what was cached as committed (rows the rolled-back transaction created).
            self._known.clear()
            original.row = None
            return [self.store(a, original, number, label=label) for a, number, label in records]

    def store(
        self,
        parsed: ParsedArticle,
        original: _OriginalFile,
        record_number: int | None,
        *,
        label: str = "",
        existing: Article | None = None,
        defaults: Defaults | None = None,
    ) -> Outcome:
        """Create, update (same URL, or `existing`) or skip (same text) one article."""
        label = label or original.name
        if problem := Article.unstorable(parsed, defaults or self.defaults):
            return Outcome(label, FAILED, problem)
        try:
            with transaction.atomic():
                outcome, article = self._store(
                    parsed, original, record_number, label, existing, defaults or self.defaults
                )
                if self.dry_run:
                    transaction.set_rollback(True)
        except IntegrityError:
            # Only the content hash is left to collide: an update made the text equal another's.
            title, body = parsed.title, parsed.body_text
            twin = Article.objects.filter(content_hash=Article.hash_content(title, body)).first()
            where = f" #{twin.pk}" if twin else ""
            return Outcome(label, FAILED, f"the same text is already stored as article{where}")
        except Exception as error:  # a bug must cost one article, not the rest of the import
            log.exception("storing %s failed", label)
            return Outcome(label, FAILED, f"could not be stored ({type(error).__name__}: {error})")
        if article is not None and outcome.status in (IMPORTED, UPDATED):
            if not self.dry_run:
                # Committed (or in the transaction of its batch, see _store_batch): the next
                # records reuse it.
                original.row = article.original
            self._remember(label, article)
        return outcome

    def named(self, model, name: str):
        """Source/Tag by name, created when missing; cached once known to be committed."""
        key = (model, name)
        if key in self._known:
            return self._known[key]
        row, created = model.objects.get_or_create(name=name)
        if not created:
            self._known[key] = row
        return row

    def _remember(self, label: str, article: Article) -> None:
        if self.dry_run:
            self._run_hashes.setdefault(article.content_hash, label)
            if article.url:
                self._run_urls.setdefault(article.url, label)
            self.neardups.add(label, article)
        else:
            self.neardups.add(article.pk, article)

    def _store(self, parsed, original, record_number, label, existing, defaults):
        fields = _article_fields(parsed, defaults, self.named)
        preview = _preview(parsed, fields)
        if existing is None and fields["url"]:
            # The id first: building a whole Article costs more than the lookup.
            found = rows.first_id(Article, url=fields["url"])
            existing = Article.objects.get(pk=found) if found is not None else None
        if existing is None and fields["url"] in self._run_urls:
            first = self._run_urls[fields["url"]]
            preview["duplicate_of"] = first
            message = f"same URL as {first} in this import: it would update that article"
            return Outcome(label, UPDATED, message, None, preview), None

        if existing is None:
            article = Article(**fields)
            article.refresh_derived()
            twin = rows.first_id(Article, content_hash=article.content_hash)
            if twin is not None:
                preview["duplicate_of"] = twin
                message = f"same text as article #{twin}"
                return Outcome(label, SKIPPED, message, twin, preview), None
            if article.content_hash in self._run_hashes:
                first = self._run_hashes[article.content_hash]
                preview["duplicate_of"] = first
                return Outcome(label, SKIPPED, f"same text as {first}", None, preview), None
            message = self._link_near_duplicate(article, preview)
            article.original = original.get_or_create()
            article.original_record = record_number
            article.save()
            if parsed.tags:
                _tag_new_article(article, [self.named(Tag, name[:100]) for name in parsed.tags])
            message = "; ".join(filter(None, [message, *parsed.notes]))
            preview = _with_id(preview, article)
            return Outcome(label, IMPORTED, message, article.pk, preview), article

        changed = [name for name, value in fields.items() if getattr(existing, name) != value]
        tags_changed = set(parsed.tags) != set(existing.tags.values_list("name", flat=True))
        if not changed and not tags_changed:
            preview["duplicate_of"] = existing.pk
            return Outcome(
                label,
                SKIPPED,
                f"already imported as article #{existing.pk}",
                existing.pk,
                _with_id(preview, existing),
            ), None
        for name in changed:
            setattr(existing, name, fields[name])
        existing.original = original.get_or_create()
        existing.original_record = record_number
        existing.save()
        existing.tags.set([self.named(Tag, name[:100]) for name in parsed.tags])
        preview["updates"] = existing.pk
        return Outcome(
            label,
            UPDATED,
            f"article #{existing.pk}: {', '.join(changed) or 'tags'}",
            existing.pk,
            _with_id(preview, existing),
        ), existing

    def _link_near_duplicate(self, article: Article, preview: dict) -> str:
        match = self.neardups.find(article)
        if match is None:
            return ""
        key, similarity = match
        preview["near_duplicate_of"] = key
        preview["similarity"] = round(similarity, 3)
        if isinstance(key, int):
            article.near_duplicate_of_id = key
            article.near_duplicate_similarity = round(similarity, 3)
            return f"near-duplicate of article #{key} ({similarity:.0%} the same)"
        return f"near-duplicate of {key} ({similarity:.0%} the same)"


def _with_id(preview: dict, article: Article) -> dict:
    preview["article_id"] = article.pk
    return preview


def _tag_new_article(article: Article, tags: list[Tag]) -> None:
    """The tags of an article just created, in one insert.

    Not through tags.add(): its m2m signal would queue a second index task for an article whose
    save queued one in this same transaction (the index reads the tags with it), and add()'s
    queries for existing rows find nothing on a new article (~1.5 ms an article in all).
    """
    distinct = dict.fromkeys(tag.pk for tag in tags)
    pairs = [(article.pk, pk) for pk in distinct]
    rows.insert_rows(Article.tags.through, ("article", "tag"), pairs)


def _plain_text(fields: dict) -> str:
    """The text tagging will read (Article.searchable_text), so it is analysed once."""
    captions = [caption["text"] for caption in fields["captions"]]
    body = Article.body_from_blocks(fields["blocks"])
    return Article.searchable_text_of(fields["title"], fields["standfirst"], captions, body)


def _preview(parsed: ParsedArticle, fields: dict) -> dict:
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


def _parse_text_file(fmt: str, data: bytes, name: str):
    """Decode and parse a whole file before anything is written (file-level errors leave
    nothing). Returns the decoding and the records."""
    if fmt == "html":
        from archive.ingest.html import parse_html, sniff_charset

        decoded = decode(data, sniff_charset(data))
        return decoded, [_Parsed("", None, parse_html(decoded.text))]
    decoded = decode(data)
    if fmt == "txt":
        return decoded, [_Parsed("", None, parse_plaintext(decoded.text))]
    reader = {"json": records.read_json, "jsonl": records.read_jsonl, "csv": records.read_csv}[fmt]
    parsed = [_Parsed(r.position, r.number, r.article, r.error) for r in reader(decoded.text)]
    # A single-object JSON file is one article: report it by file name alone.
    if fmt == "json" and len(parsed) == 1:
        parsed[0].position = ""
    return decoded, parsed


def original_file(original: Original) -> _OriginalFile:
    """A stored original as the importer handles files (same bytes, so the same row)."""
    return _OriginalFile(
        original.filename,
        bytes(original.content),
        original.format,
        original.encoding,
        original.source_url,
    )


def parse_original(original: Original, language: str = "") -> list[_Parsed]:
    """Parse a stored original again (for `reparse`); raises what a fresh import would."""
    data = bytes(original.content)
    fmt = original.format
    if fmt == "html":
        from archive.ingest.html import parse_html, sniff_charset

        # The charset it was read with first (a WARC's HTTP header may have named it).
        decoded = decode(data, original.encoding or sniff_charset(data))
        article = parse_html(decoded.text, url=original.source_url, language=language)
        items = [_Parsed("", None, article)]
    else:
        decoded, items = _parse_text_file(fmt, data, original.filename)
    for item in items:
        if item.article is not None:
            item.article = clean_article(item.article)
            item.article.warnings = [*decoded.notes, *item.article.warnings]
    return items


def _article_fields(parsed: ParsedArticle, defaults: Defaults, named=None) -> dict:
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
        "author": parsed.author[:300],
        "section": (parsed.section or defaults.section)[:200],
        "language": language or Article.Language.ARABIC,
        "published": parsed.published,
        "published_precision": (parsed.published_precision or "day") if parsed.published else "",
        "url": parsed.url or None,
        "needs_review": bool(warnings),
        "review_reason": "; ".join(warnings),
        "dropped_lines": [
            {"line": line.line, "text": line.text, "reason": line.reason} for line in parsed.dropped
        ],
        "source": _source(source_name[:200], named) if source_name else None,
    }


def _source(name: str, named=None) -> Source:
    return named(Source, name) if named else Source.objects.get_or_create(name=name)[0]


# --- module-level entry points (kept for callers of the first version) ------------------------


def ingest_paths(
    paths: Iterable[Path],
    defaults: Defaults = Defaults(),
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Report:
    return Importer(defaults, dry_run=dry_run, progress=progress).run_paths(paths)


def ingest_bytes(
    name: str, data: bytes, defaults: Defaults = Defaults(), *, dry_run: bool = False
) -> list[Outcome]:
    return Importer(defaults, dry_run=dry_run).run_file(name, data)
