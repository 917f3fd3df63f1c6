"""Admin for editors: articles with their parsed structure visible, sources, tags, originals,
the bulk upload (preview, then import) and the import history."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from archive import import_messages, jobs
from archive.forms import UploadForm
from archive.ingest.fields import Defaults
from archive.models import Article, ImportBatch, ImportOutcome, Original, Source, Tag

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
        "published_precision",
        ("near_duplicate_of", admin.EmptyFieldListFilter),
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
        "duplicates_view",
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
                    "published_precision",
                    "author",
                    "url",
                    "tags",
                ]
            },
        ),
        (_("Review"), {"fields": ["needs_review", "review_reason"]}),
        (_("Also published as"), {"fields": ["duplicates_view"]}),
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
                '<{0} class="parsed-block" dir="auto">{1}</{0}>',
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

    @admin.display(description=_("near-duplicates"))
    def duplicates_view(self, article):
        rows = []
        if article.near_duplicate_of_id:
            first = article.near_duplicate_of
            rows.append((_("a near-duplicate of"), first, article.near_duplicate_similarity))
        for copy in article.near_duplicates.select_related("source").order_by("pk"):
            rows.append((_("copied by"), copy, copy.near_duplicate_similarity))
        if not rows:
            return "—"
        return format_html_join(
            "",
            '<p>{} <a href="{}">#{} {}</a> — {} ({})</p>',
            (
                (
                    label,
                    reverse("admin:archive_article_change", args=[other.pk]),
                    other.pk,
                    other.title,
                    other.source or _("unknown source"),
                    f"{similarity:.0%}" if similarity is not None else "?",
                )
                for label, other, similarity in rows
            ),
        )

    # Bulk upload ------------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="archive_article_upload"),
            path(
                "upload/<int:batch_id>/",
                wrap(self.upload_preview_view),
                name="archive_article_upload_preview",
            ),
            *super().get_urls(),
        ]

    def _upload_context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Upload articles"),
            "has_view_permission": self.has_view_permission(request),
            **extra,
        }

    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            defaults = Defaults(
                form.cleaned_data["source"].strip(),
                form.cleaned_data["section"].strip(),
                form.cleaned_data["language"],
            )
            batch = jobs.store_upload(form.cleaned_data["files"], defaults, request.user)
            jobs.preview(batch)
            return redirect("admin:archive_article_upload_preview", batch.pk)
        context = self._upload_context(request, form=form)
        return TemplateResponse(request, "admin/archive/article/upload.html", context)

    def upload_preview_view(self, request, batch_id: int):
        if not self.has_add_permission(request):
            raise PermissionDenied
        batch = get_object_or_404(ImportBatch, pk=batch_id, origin=ImportBatch.Origin.UPLOAD)
        report_url = reverse("admin:archive_importbatch_change", args=[batch.pk])
        if batch.status != ImportBatch.Status.PREVIEW:
            return redirect(report_url)
        if request.method == "POST":
            try:
                queued = jobs.confirm(batch)
            except Exception:  # recorded on the batch (status and error), shown on its page
                messages.error(request, _("The import stopped with an error; see below."))
                return redirect(report_url)
            batch.refresh_from_db()
            if queued:
                messages.info(
                    request,
                    _(
                        "The import of %(files)d file(s) runs in the background; "
                        "this page shows its progress."
                    )
                    % {"files": batch.total_files},
                )
            else:
                level = messages.WARNING if batch.failed else messages.SUCCESS
                messages.add_message(request, level, _batch_summary(batch))
            return redirect(report_url)
        rows = [_preview_row(row) for row in batch.preview.get("outcomes", [])]
        counts = {status: 0 for status in ("imported", "updated", "skipped", "failed")}
        for row in rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        context = self._upload_context(
            request,
            title=_("Check the import"),
            batch=batch,
            rows=rows,
            counts=counts,
            summary=import_messages.summary(**counts),
            background=jobs.total_size(batch) > settings.ARCHIVE_INLINE_IMPORT_BYTES,
            unread_files=batch.preview.get("unread_files", 0),
            unread_records=batch.preview.get("unread_records", 0),
        )
        return TemplateResponse(request, "admin/archive/article/upload_preview.html", context)

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
    readonly_fields = [
        "filename",
        "sha256",
        "size",
        "format",
        "encoding",
        "source_url",
        "imported_at",
        "text_preview",
    ]
    exclude = ["content"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, original):
        return original.article_count

    @admin.display(description=_("content (first 5,000 characters)"))
    def text_preview(self, original):
        text = bytes(original.content[:20000]).decode("utf-8", errors="replace")[:5000]
        return format_html('<pre class="original-text" dir="auto">{}</pre>', text)

    def has_add_permission(self, request):
        return False


def _preview_row(row: dict) -> dict:
    """A preview row with its duplicate references resolved: a stored article (linked) or
    another file of the same upload (named)."""
    preview = dict(row.get("preview") or {})
    # The importer writes English (what import_articles prints); editors read their language.
    for key in ("warnings", "notes"):
        if preview.get(key):
            preview[key] = [import_messages.translate_message(text) for text in preview[key]]
    links = []
    for key, label in (
        ("duplicate_of", _("duplicate of")),
        ("updates", _("updates")),
        ("near_duplicate_of", _("near-duplicate of")),
    ):
        target = preview.get(key)
        if target in (None, ""):
            continue
        url = (
            reverse("admin:archive_article_change", args=[target])
            if isinstance(target, int)
            else ""
        )
        similarity = preview.get("similarity") if key == "near_duplicate_of" else None
        links.append(
            {
                "label": label,
                "url": url,
                "text": f"#{target}" if url else str(target),
                "similarity": similarity,
            }
        )
    return {
        **row,
        "preview": preview,
        "links": links,
        "status_label": import_messages.status_label(row.get("status", "")),
        "precision_label": import_messages.precision_label(preview.get("precision", "")),
        "message": import_messages.translate_message(row.get("message", "")),
    }


def _batch_summary(batch: ImportBatch) -> str:
    return import_messages.summary(batch.imported, batch.updated, batch.skipped, batch.failed)


class OutcomeText:
    """An outcome's status and message in the editor's language, for both outcome lists."""

    @admin.display(description=_("outcome"), ordering="status")
    def status_view(self, outcome):
        return import_messages.status_label(outcome.status)

    @admin.display(description=_("message"))
    def message_view(self, outcome):
        return import_messages.translate_message(outcome.message)


class ImportOutcomeInline(OutcomeText, admin.TabularInline):
    model = ImportOutcome
    fields = ["position", "name", "status_view", "message_view", "article_link"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False
    ordering = ["position"]

    def get_queryset(self, request):
        # The first 500 only: the whole list is under "file outcomes", filtered by import.
        queryset = super().get_queryset(request).select_related("article")
        ids = list(queryset.values_list("pk", flat=True)[:500])
        return queryset.filter(pk__in=ids)

    @admin.display(description=_("article"))
    def article_link(self, outcome):
        if not outcome.article_id:
            return "—"
        return format_html(
            '<a href="{}">#{}</a>',
            reverse("admin:archive_article_change", args=[outcome.article_id]),
            outcome.article_id,
        )


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """The import history: read-only, one page per import with its per-file outcomes."""

    list_display = [
        "__str__",
        "created_by",
        "status",
        "progress_view",
        "imported",
        "updated",
        "skipped",
        "failed",
    ]
    list_filter = ["status", "origin", "background", "created"]
    search_fields = ["outcomes__name", "source", "section"]
    date_hierarchy = "created"
    inlines = [ImportOutcomeInline]
    fields = [
        "origin",
        "created_by",
        "status",
        "progress_view",
        "summary_view",
        "created",
        "started",
        "finished",
        "background",
        "source",
        "section",
        "language",
        "files_view",
        "error",
        "outcomes_link",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("progress"))
    def progress_view(self, batch):
        if batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
            return format_html(
                '<progress max="{}" value="{}"></progress> {} / {}',
                batch.total_files or 1,
                batch.processed_files,
                batch.processed_files,
                batch.total_files,
            )
        return batch.progress

    @admin.display(description=_("result"))
    def summary_view(self, batch):
        return _batch_summary(batch)

    @admin.display(description=_("files"))
    def files_view(self, batch):
        return (
            format_html_join(
                "",
                '<div dir="auto">{} <small>{}</small></div>',
                ((entry.get("name", ""), entry.get("size", "")) for entry in batch.files),
            )
            or "—"
        )

    @admin.display(description=_("every outcome"))
    def outcomes_link(self, batch):
        url = reverse("admin:archive_importoutcome_changelist") + f"?batch__id__exact={batch.pk}"
        return format_html('<a href="{}">{}</a>', url, _("all outcomes, with filters"))


@admin.register(ImportOutcome)
class ImportOutcomeAdmin(OutcomeText, admin.ModelAdmin):
    list_display = ["name", "status_view", "message_view", "article", "batch"]
    list_filter = ["status", "batch"]
    search_fields = ["name", "message"]
    list_select_related = ["article", "batch"]
    readonly_fields = ["batch", "position", "name", "status_view", "message_view", "article"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
