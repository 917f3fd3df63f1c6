"""Admin for editors: articles with their parsed structure visible, sources, tags, originals."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from archive.models import Article, Original, Source, Tag

# Editors paste bare domains; assume https like browsers do (and like Django 6 will).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["name", "slug", "homepage", "article_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, source):
        return source.article_count


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = [
        "title",
        "source",
        "section",
        "language",
        "published",
        "needs_review",
        "created",
    ]
    list_filter = [
        "needs_review",
        "language",
        "source",
        "section",
        ("published", admin.EmptyFieldListFilter),
        "created",
    ]
    search_fields = ["title", "standfirst", "body", "url", "author"]
    date_hierarchy = "created"
    autocomplete_fields = ["source", "tags"]
    list_select_related = ["source"]
    readonly_fields = [
        "structure",
        "captions_view",
        "dropped_view",
        "original_link",
        "content_hash",
        "created",
        "updated",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "standfirst",
                    "source",
                    "section",
                    "language",
                    "published",
                    "author",
                    "url",
                    "tags",
                ]
            },
        ),
        (_("Review"), {"fields": ["needs_review", "review_reason"]}),
        (_("Parsed structure"), {"fields": ["structure", "captions_view", "dropped_view"]}),
        (_("Editing the structure"), {"classes": ["collapse"], "fields": ["blocks", "captions"]}),
        (
            _("Provenance"),
            {"fields": ["original_link", "original_record", "content_hash", "created", "updated"]},
        ),
    ]

    @admin.display(description=_("body as parsed"))
    def structure(self, article):
        return (
            format_html_join(
                "",
                '<{0} dir="auto" style="margin:0 0 .6em">{1}</{0}>',
                (
                    ("h3" if b.get("kind") == "heading" else "p", b.get("text", ""))
                    for b in article.blocks
                ),
            )
            or "—"
        )

    @admin.display(description=_("captions"))
    def captions_view(self, article):
        return (
            format_html_join(
                "",
                '<p dir="auto">{} <strong>{}</strong></p>',
                ((c.get("text", ""), c.get("credit", "")) for c in article.captions),
            )
            or "—"
        )

    @admin.display(description=_("lines left out by the parser"))
    def dropped_view(self, article):
        if not article.dropped_lines:
            return "—"
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td dir="auto">{}</td><td>{}</td></tr>',
            ((d.get("line"), d.get("text"), d.get("reason")) for d in article.dropped_lines),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("line"),
            _("text"),
            _("reason"),
            rows,
        )

    @admin.display(description=_("original file"))
    def original_link(self, article):
        if not article.original_id:
            return "—"
        return format_html(
            '<a href="../../../original/{}/change/">{}</a>', article.original_id, article.original
        )


@admin.register(Original)
class OriginalAdmin(admin.ModelAdmin):
    list_display = ["filename", "format", "size", "imported_at", "article_count"]
    list_filter = ["format"]
    search_fields = ["filename", "sha256"]
    readonly_fields = ["filename", "sha256", "size", "format", "imported_at", "text_preview"]
    exclude = ["content"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, original):
        return original.article_count

    @admin.display(description=_("content (first 5,000 characters)"))
    def text_preview(self, original):
        text = bytes(original.content[:20000]).decode("utf-8", errors="replace")[:5000]
        return format_html('<pre dir="auto" style="white-space:pre-wrap">{}</pre>', text)

    def has_add_permission(self, request):
        return False
