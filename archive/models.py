"""The archive's source of truth. The search index is derived from these rows."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from archive.ingest import neardup
from search.analysis import arabic


class ReadableJSONEncoder(DjangoJSONEncoder):
    """Arabic stored as itself, not as \\uXXXX escapes: rows are about five times smaller,
    which keeps scans (facet counts, listings) off SQLite's overflow pages."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


class Source(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    homepage = models.URLField(_("homepage"), max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            digest = hashlib.sha1(self.name.encode()).hexdigest()[:12]
            slug = slugify(self.name, allow_unicode=True) or digest
            # Normalising may lengthen a name (the ligature ﷺ is 18 letters): a slug too long
            # for its column (SQLite would keep it, PostgreSQL refuse it) ends in the digest.
            limit = self._meta.get_field("slug").max_length
            self.slug = slug if len(slug) <= limit else f"{slug[: limit - 13]}-{digest}"
        super().save(*args, **kwargs)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Original(models.Model):
    """An imported file exactly as it arrived, so articles can be re-parsed later.

    Kept in the database (not beside it) so that storing it is part of the same transaction as the
    articles parsed from it: a failed import leaves no orphan file behind.
    """

    filename = models.CharField(_("file name"), max_length=500)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    content = models.BinaryField(_("content"))
    size = models.PositiveBigIntegerField(_("size in bytes"))
    format = models.CharField(_("format"), max_length=20)
    encoding = models.CharField(
        _("text encoding"), max_length=40, blank=True, help_text=_("As read at import.")
    )
    # Where the bytes came from when the file itself does not say: a WARC record's target URI.
    source_url = models.URLField(_("captured from"), max_length=2000, blank=True)
    imported_at = models.DateTimeField(_("first imported"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("original file")
        verbose_name_plural = _("original files")

    def __str__(self) -> str:
        return self.filename


class ArticleQuerySet(models.QuerySet):
    def newest_first(self):
        # Unknown dates sort after known ones, newest import first among them.
        return self.order_by(models.F("published").desc(nulls_last=True), "-id")

    def oldest_first(self):
        return self.order_by(models.F("published").asc(nulls_last=True), "id")

    def for_display(self):
        return self.select_related("source").prefetch_related("tags")


class Article(models.Model):
    class Language(models.TextChoices):
        ARABIC = "ar", _("Arabic")
        ENGLISH = "en", _("English")

    class Precision(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month only")
        YEAR = "year", _("year only")

    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    title = models.CharField(_("title"), max_length=1000)
    standfirst = models.TextField(_("standfirst"), blank=True)
    # The body in reading order: [{"kind": "paragraph" | "heading", "text": "..."}].
    blocks = models.JSONField(
        _("body structure"), default=list, blank=True, encoder=ReadableJSONEncoder
    )
    # Plain-text body derived from `blocks` on save; kept as a column for admin search and export.
    body = models.TextField(_("body"), editable=False)
    # [{"text": "...", "credit": "..."}]
    captions = models.JSONField(
        _("captions"), default=list, blank=True, encoder=ReadableJSONEncoder
    )
    author = models.CharField(_("author"), max_length=300, blank=True)
    section = models.CharField(_("section"), max_length=200, blank=True, db_index=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=Language.choices,
        default=Language.ARABIC,
        db_index=True,
    )
    published = models.DateField(_("published"), null=True, blank=True, db_index=True)
    published_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=Precision.choices,
        blank=True,
        help_text=_(
            "How much of the date is known: a month-only date is stored as the 1st, "
            "a year-only one as 1 January."
        ),
    )
    url = models.URLField(_("original URL"), max_length=2000, null=True, blank=True, unique=True)
    content_hash = models.CharField(
        _("content hash"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_("Hash of the normalised title and body; the same text is never stored twice."),
    )
    needs_review = models.BooleanField(_("needs review"), default=False, db_index=True)
    review_reason = models.TextField(_("review reason"), blank=True)
    # Lines of the original the parser left out: [{"line": 1, "text": "...", "reason": "..."}].
    dropped_lines = models.JSONField(
        _("dropped lines"), default=list, blank=True, encoder=ReadableJSONEncoder
    )
    original = models.ForeignKey(
        Original,
        verbose_name=_("original file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    # Which record of the original this is (line of a JSONL/CSV file, index in a JSON list).
    original_record = models.PositiveIntegerField(_("record in original"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    # A wire copy or repost of an earlier article: imported, but linked to the first one stored.
    near_duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("near-duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="near_duplicates",
    )
    near_duplicate_similarity = models.FloatField(
        _("similarity"),
        null=True,
        blank=True,
        help_text=_("Share of word triples the two bodies have in common (Jaccard)."),
    )
    # MinHash signature of the body (archive.ingest.neardup); b"" when too short to compare.
    minhash = models.BinaryField(_("MinHash signature"), null=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["-published", "-id"], name="article_newest")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.refresh_derived()
        if not self.published:
            self.published_precision = ""
        elif not self.published_precision:
            self.published_precision = self.Precision.DAY
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("archive:article", kwargs={"pk": self.pk})

    def refresh_derived(self) -> None:
        """Body, content hash and (when the text changed) the MinHash signature, from blocks."""
        body = self.body_from_blocks(self.blocks)
        if getattr(self, "_derived_from", None) == (self.title, body) and self.minhash is not None:
            return  # nothing changed since the last refresh (the analysis is the costly part)
        self.body = body
        adopted = getattr(self, "_adopted", None)
        if adopted is not None and adopted[:2] == (self.title, body):
            self.content_hash, self.minhash = adopted[2:]
            self._derived_from = (self.title, body)
            return
        content_hash, shingles = self.hash_and_shingles(self.title, body)
        if content_hash != self.content_hash or self.minhash is None:
            self._shingles = (body, shingles)
            self.minhash = self.signature_of(shingles)
        self.content_hash = content_hash
        self._derived_from = (self.title, body)

    def adopt_derived(self, title: str, body: str, content_hash: str, minhash: bytes) -> None:
        """The content hash and signature computed elsewhere for this title and body (an
        import's analysis ahead, archive.ingest.ahead): refresh_derived takes them if the
        article's title and body are these, and computes its own otherwise."""
        self._adopted = (title, body, content_hash, minhash)

    @staticmethod
    def hash_and_shingles(title: str, body: str) -> tuple[str, frozenset[str]]:
        """The content hash of a title and body, and the body's shingles: the body is analysed
        once for both (see hash_content)."""
        body_terms = arabic.analyze_exact(body)
        content_hash = arabic.fingerprint_terms(arabic.analyze_exact(title) + body_terms)
        return content_hash, neardup.shingles_of_terms(body_terms)

    @staticmethod
    def signature_of(shingles: frozenset[str]) -> bytes:
        """The MinHash signature stored for a body's shingles (empty for a very short body)."""
        return neardup.signature(shingles) or b""

    def shingles(self) -> frozenset[str]:
        cached = getattr(self, "_shingles", None)
        if cached is None or cached[0] != self.body:
            cached = (self.body, neardup.shingles(self.body))
            self._shingles = cached
        return cached[1]

    @property
    def published_format(self) -> str:
        """A `date` filter format that shows no more of the date than is known."""
        return {"month": "YEAR_MONTH_FORMAT", "year": "Y"}.get(
            self.published_precision, "DATE_FORMAT"
        )

    def also_published(self) -> list[Article]:
        """The other copies of this story: the first one stored and its near-duplicates."""
        root = self.near_duplicate_of_id or self.pk
        # Two lookups by index: with `pk=root OR near_duplicate_of=root` in one query SQLite
        # scanned the whole table (about 60 ms an article page at 30k articles).
        ids = [
            root,
            # (No ordering: the default one made SQLite walk the date index instead.)
            *Article.objects.filter(near_duplicate_of_id=root)
            .order_by()
            .values_list("pk", flat=True),
        ]
        copies = (
            Article.objects.filter(pk__in=ids)
            .exclude(pk=self.pk)
            .select_related("source")
            .order_by(models.F("published").asc(nulls_last=True), "pk")
        )
        return list(copies[:20])

    def searchable_text(self) -> str:
        """Everything a reader's words may match: what is indexed and what is tagged."""
        captions = [caption.get("text", "") for caption in self.captions]
        return self.searchable_text_of(self.title, self.standfirst, captions, self.body)

    @staticmethod
    def searchable_text_of(title: str, standfirst: str, captions: list[str], body: str) -> str:
        return "\n".join([title, standfirst, *captions, body])

    @property
    def lead_and_body(self) -> str:
        """The standfirst (if any) and the body: where snippets are found."""
        return f"{self.standfirst}\n{self.body}" if self.standfirst else self.body

    @property
    def paragraphs(self) -> list[str]:
        return [block["text"] for block in self.blocks if block.get("kind") == "paragraph"]

    @staticmethod
    def body_from_blocks(blocks: list[dict]) -> str:
        return "\n\n".join(block["text"] for block in blocks)

    @staticmethod
    def hash_content(title: str, body: str) -> str:
        # refresh_derived computes the same from the title's and the body's terms.
        return arabic.fingerprint(f"{title}\n{body}")

    @classmethod
    def unstorable(cls, parsed, defaults=None) -> str:
        """Why an imported article cannot be stored as it is, or "" when it can.

        Checked before anything is written, so that both databases refuse the same records the
        same way: SQLite would store a value longer than its column, or a NUL character, as it
        is; PostgreSQL refuses either halfway through. `parsed` is an ingest ParsedArticle,
        `defaults` the import's Defaults.
        """
        bounded = [
            (cls, "title", "title", parsed.title),
            (cls, "url", "url", parsed.url),
            (cls, "author", "author", parsed.author),
            (cls, "section", "section", parsed.section or getattr(defaults, "section", "")),
            (Source, "name", "source", parsed.source or getattr(defaults, "source", "")),
            *((Tag, "name", "tags", tag) for tag in parsed.tags),
        ]
        texts = [
            *((label, value) for _, _, label, value in bounded),
            ("standfirst", parsed.standfirst),
            *(("body", block.text) for block in parsed.blocks),
            *(("captions", caption.text + caption.credit) for caption in parsed.captions),
            *(("dropped lines", line.text) for line in parsed.dropped),
        ]
        problems = [too_long(model, name, value, label) for model, name, label, value in bounded]
        problems += [
            f"{label}: contains a NUL character"
            for label, value in texts
            if value and "\0" in value
        ]
        return "; ".join(dict.fromkeys(filter(None, problems)))


def too_long(model: type[models.Model], name: str, value: str | None, label: str = "") -> str:
    """'label: is longer than N characters (n)' when `value` exceeds the field's max_length."""
    limit = model._meta.get_field(name).max_length
    if not value or limit is None or len(value) <= limit:
        return ""
    return f"{label or name}: is longer than {limit} characters ({len(value)})"


class ImportBatch(models.Model):
    """One import: an admin upload (previewed, then confirmed) or a run of import_articles.

    Its outcomes are the per-file (per-record) report; the counts and progress are kept up to
    date while it runs, so the admin can show how far a background import has got.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("previewed, not confirmed")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("stopped by an error")

    class Origin(models.TextChoices):
        UPLOAD = "upload", _("admin upload")
        COMMAND = "command", _("import_articles")

    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW, db_index=True
    )
    background = models.BooleanField(_("in the background"), default=False)
    # Defaults for what the files do not say.
    source = models.CharField(_("default source"), max_length=200, blank=True)
    section = models.CharField(_("default section"), max_length=200, blank=True)
    language = models.CharField(_("default language"), max_length=8, blank=True)
    # [{"name": "...", "size": 123}]; an upload's bytes wait in UploadChunk rows.
    files = models.JSONField(_("files"), default=list, blank=True)
    total_files = models.PositiveIntegerField(_("files"), default=0)
    processed_files = models.PositiveIntegerField(_("files done"), default=0)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    error = models.TextField(_("error"), blank=True)
    # The dry run shown before confirming:
    # {"outcomes": [{"name", "status", "message", "preview": {...}}], "unread_files": 0}.
    preview = models.JSONField(_("preview"), default=dict, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("import history")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_origin_display()} {self.created:%Y-%m-%d %H:%M}"

    @property
    def summary(self) -> str:
        return (
            f"imported {self.imported}, updated {self.updated}, "
            f"skipped {self.skipped}, failed {self.failed}"
        )

    @property
    def progress(self) -> str:
        return f"{self.processed_files} / {self.total_files}"


class UploadChunk(models.Model):
    """A piece of an uploaded file waiting for its import (preview, confirm, the worker).

    In the database, not on the disk of the machine that took the upload, so the worker may run
    on another machine; in pieces of a few megabytes (archive.jobs.UPLOAD_CHUNK_BYTES), so no
    value comes near the 1 GB that SQLite and PostgreSQL refuse, and a file is read back a piece
    at a time. Deleted when the import ends or its preview goes stale.
    """

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="upload_chunks", editable=False
    )
    file = models.PositiveIntegerField(_("file"))  # its place in batch.files, from 1
    position = models.PositiveIntegerField(_("order"))
    data = models.BinaryField(_("bytes"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "file", "position"], name="upload_chunk_in_order"
            )
        ]
        verbose_name = _("uploaded file piece")
        verbose_name_plural = _("uploaded file pieces")

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.file}/{self.position}"


class ImportOutcome(models.Model):
    """What one import did with one file, or one record of a multi-record file."""

    batch = models.ForeignKey(
        ImportBatch, verbose_name=_("import"), on_delete=models.CASCADE, related_name="outcomes"
    )
    position = models.PositiveIntegerField(_("order"))
    name = models.CharField(_("file (record)"), max_length=1000)
    status = models.CharField(_("outcome"), max_length=10, db_index=True)
    message = models.TextField(_("message"), blank=True)
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_outcomes",
    )

    class Meta:
        ordering = ["batch", "position"]
        verbose_name = _("file outcome")
        verbose_name_plural = _("file outcomes")

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"
