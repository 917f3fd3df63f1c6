"""The archive's source of truth. The search index is derived from these rows."""

from __future__ import annotations

import hashlib

from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from search import arabic


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
            self.slug = (
                slugify(self.name, allow_unicode=True)
                or hashlib.sha1(self.name.encode()).hexdigest()[:12]
            )
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
    blocks = models.JSONField(_("body structure"), default=list, blank=True)
    # Plain-text body derived from `blocks` on save; kept as a column for admin search and export.
    body = models.TextField(_("body"), editable=False)
    # [{"text": "...", "credit": "..."}]
    captions = models.JSONField(_("captions"), default=list, blank=True)
    author = models.CharField(_("author"), max_length=300, blank=True)
    section = models.CharField(_("section"), max_length=200, blank=True, db_index=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ARABIC
    )
    published = models.DateField(_("published"), null=True, blank=True, db_index=True)
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
    dropped_lines = models.JSONField(_("dropped lines"), default=list, blank=True)
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
        self.body = self.body_from_blocks(self.blocks)
        self.content_hash = self.hash_content(self.title, self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("archive:article", kwargs={"pk": self.pk})

    @property
    def paragraphs(self) -> list[str]:
        return [block["text"] for block in self.blocks if block.get("kind") == "paragraph"]

    @staticmethod
    def body_from_blocks(blocks: list[dict]) -> str:
        return "\n\n".join(block["text"] for block in blocks)

    @staticmethod
    def hash_content(title: str, body: str) -> str:
        return arabic.fingerprint(f"{title}\n{body}")
