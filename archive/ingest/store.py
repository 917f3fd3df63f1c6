"""Storing parsed articles: create, update in place or skip, each atomically with its original.

Each article is stored together with the original file it came from (in a savepoint of its own;
the articles of one file are committed in groups of STORE_BATCH), so a record either lands whole
or not at all. What happens to each article:

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
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, transaction

from archive import collection, rows
from archive.ingest import ahead
from archive.ingest.fields import Defaults, article_fields, article_preview
from archive.ingest.neardup_lookup import NearDuplicates
from archive.ingest.report import FAILED, IMPORTED, SKIPPED, UPDATED, Outcome
from archive.ingest.storage import StorageFull, storage_failure
from archive.ingest.types import ParsedArticle
from archive.models import Article, Original, Tag
from search.indexing.outbox import enqueue, gathered

log = logging.getLogger(__name__)

# Articles of one file committed together, each still in a savepoint of its own (_store_batch).
STORE_BATCH = 50


@dataclass
class OriginalFile:
    """A file as read, to be stored as the Original of the articles parsed from it."""

    name: str
    data: bytes
    fmt: str
    encoding: str = ""
    source_url: str = ""

    def __post_init__(self):
        self.sha256 = hashlib.sha256(self.data).hexdigest()
        # The row, once an article stored with it has committed (see ArticleStore.store).
        self.row: Original | None = None

    def get_or_create(self) -> Original:
        if self.row is not None:
            return self.row
        # Plain statements (archive.rows): get_or_create's query, savepoint and save() cost an
        # import a tenth of its time, once for every record of a JSONL or CSV file. The insert
        # first: bytes read again are the exception, and it spares the others a look-up.
        original = Original(
            filename=self.name[-500:],
            sha256=self.sha256,
            content=self.data,
            size=len(self.data),
            format=self.fmt,
            encoding=self.encoding[:40],
            source_url=self.source_url[:2000],
        )
        if rows.insert_unless_present(original, "sha256") is not None:
            return original
        return Original.objects.get(pk=rows.first_id(Original, sha256=self.sha256))


def original_file(original: Original) -> OriginalFile:
    """A stored original as the importer handles files (same bytes, so the same row)."""
    return OriginalFile(
        original.filename,
        bytes(original.content),
        original.format,
        original.encoding,
        original.source_url,
    )


class ArticleStore:
    """Stores the articles of one run: one near-duplicate index and in-run memory for them all.

    The Importer hands it the records of each file it reads; `reparse` stores through it directly.
    """

    def __init__(self, defaults: Defaults | None = None, *, dry_run: bool = False):
        self.defaults = defaults or Defaults()
        self.dry_run = dry_run
        self.neardups = NearDuplicates(write=not dry_run)
        # Sources and tags seen in the database by this run (never ones created in a transaction
        # that might still roll back).
        self._known: dict[tuple[type, str], object] = {}
        # Dry runs store nothing, so remember what they would have stored.
        self._run_hashes: dict[str, str] = {}
        self._run_urls: dict[str, str] = {}
        # The articles whose index tasks the batch being stored writes at its end.
        self._queued: list[int] | None = None

    def store_records(
        self, records: list[tuple[ParsedArticle, int | None, str, OriginalFile]]
    ) -> list[Outcome]:
        """Store the records (article, record number, label, original) of one file, in order,
        STORE_BATCH at a time; one outcome for each. Records of a file read whole share its
        original; records read one by one each have their own."""
        outcomes: list[Outcome] = []
        # Analysed in another process meanwhile, during a bulk import (archive.ingest.ahead).
        other = ahead.current()
        analyses = None
        if other is not None and not self.dry_run:
            analyses = other.batch([parsed for parsed, *_ in records])
        for start in range(0, len(records), STORE_BATCH):
            part = records[start : start + STORE_BATCH]
            outcomes += self._store_batch(part, _Analyses(analyses, start))
        collection.tick(len(records))
        return outcomes

    def _store_batch(self, records: list[tuple], analyses: _Analyses) -> list[Outcome]:
        """Store records of one file, each atomically, committing them together.

        Each article is stored in a savepoint of its own (see store): one that fails rolls back
        alone, so what is committed is exactly what per-article transactions would commit, and
        an article's index task becomes visible with it. One commit per batch instead of one
        per article spares most of the cost of committing. Should the commit itself fail, the
        records are stored again one transaction each, as if they had never been batched.
        """
        if self.dry_run or len(records) == 1:
            return self._store_each(records, analyses)
        try:
            with transaction.atomic():
                self._queued = []
                try:
                    outcomes = self._store_each(records, analyses)
                    queued = self._queued
                finally:
                    self._queued = None
                if transaction.get_connection().needs_rollback:  # a savepoint could not roll back
                    raise DatabaseError("the transaction of the batch was broken")
                # The index tasks of the batch's stored articles, in one statement.
                enqueue(queued)
            return outcomes
        except DatabaseError as error:
            if reason := storage_failure(error):  # the commit itself found no room
                raise StorageFull(reason) from error
            log.warning(
                "committing %d articles at once failed; storing them one by one",
                len(records),
                exc_info=True,
            )
            # Forget what was cached as committed (rows the rolled-back transaction created).
            self._known.clear()
            for *_, original in records:
                original.row = None
            return self._store_each(records, analyses)

    def _store_each(self, records: list[tuple], analyses: _Analyses) -> list[Outcome]:
        # Each analysis is asked for as its record's turn comes: the next may be under way.
        return [
            self.store(a, o, number, label=label, analysed=analyses.get(index))
            for index, (a, number, label, o) in enumerate(records)
        ]

    def store(
        self,
        parsed: ParsedArticle,
        original: OriginalFile,
        record_number: int | None,
        *,
        label: str = "",
        existing: Article | None = None,
        defaults: Defaults | None = None,
        analysed: ahead.Analysed | None = None,
    ) -> Outcome:
        """Create, update (same URL, or `existing`) or skip (same text) one article.

        `analysed`: what another process found in its text (archive.ingest.ahead), if it did.
        """
        label = label or original.name
        # A value its column cannot hold fails the record the same on every database.
        if problem := Article.unstorable(parsed, defaults or self.defaults):
            return Outcome(label, FAILED, problem)
        # In a batch (_store_batch), the index tasks this article's save queues are written
        # with the batch's, and only if its savepoint is kept.
        queueing = gathered() if self._queued is not None else nullcontext([])
        try:
            with queueing as queued, transaction.atomic():
                outcome, article = self._store(
                    parsed,
                    original,
                    record_number,
                    label,
                    existing,
                    defaults or self.defaults,
                    analysed,
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
            if reason := storage_failure(error):  # ...but no room costs every one after it
                raise StorageFull(reason) from error
            log.exception("storing %s failed", label)
            return Outcome(label, FAILED, f"could not be stored ({type(error).__name__}: {error})")
        if self._queued is not None:
            self._queued.extend(queued)
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

    def _store(self, parsed, original, record_number, label, existing, defaults, analysed):
        if analysed is not None:
            analysed.remember_entities()
        fields = article_fields(parsed, defaults, self.named)
        preview = article_preview(parsed, fields)
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
            if analysed is not None:
                analysed.apply(article)
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
                _tag_new_article(article, [self.named(Tag, name) for name in parsed.tags])
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
        replaced = existing.original_id
        existing.original = original.get_or_create()
        existing.original_record = record_number
        existing.save()
        if replaced not in (None, existing.original_id):
            # What it was read from before (a record's own bytes, most often) is now no
            # article's original: kept, it would be an orphan.
            Original.objects.filter(pk=replaced, articles__isnull=True).delete()
        existing.tags.set([self.named(Tag, name) for name in parsed.tags])
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


@dataclass
class _Analyses:
    """The analyses of one store batch's records (from `start` in its store_records call)."""

    batch: ahead.Batch | None
    start: int

    def get(self, index: int) -> ahead.Analysed | None:
        return self.batch.get(self.start + index) if self.batch is not None else None


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
