"""A whole search as a download: CSV or JSON Lines, streamed, up to a number of rows.

The ids of the matches come first (search.service.all_matching_ids: one query to the index for
a text search, one to the database when browsing), then articles are read from the database in
chunks and written out in the search's order, so memory stays flat however large the export.

One export holds at most ARCHIVE_EXPORT_MAX_ROWS rows, ARCHIVE_EXPORT_MAX_ROWS_STAFF for a
signed-in staff member: a web worker writes the rows while the reader downloads them, and an
uncapped export of a large archive would hold it for minutes (past gunicorn's timeout).
Readers have no accounts and exporting is part of their work, so anyone may export, within the
lower limit. A cut export says so: in the X-Arshif-Export-Truncated header, and in a last row
(CSV) or line (JSON Lines) after the results.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from archive.models import Article
from search.analysis.highlight import snippet
from search.analysis.query import ParsedQuery, parse_query
from search.service import SearchParams, all_matching_ids, for_highlighting, with_entities
from search.web.forms import SearchForm
from search.web.serializers import article_summary

CHUNK = 500
SNIPPET_SCAN = 2000  # characters
COLUMNS = (
    "id",
    "url",
    "title",
    "source",
    "section",
    "language",
    "published",
    "source_url",
    "snippet",
    "body",
)


def matching_ids(params: SearchParams, limit: int | None = None) -> list[int]:
    """Ids of every article the search matches, in the search's order (first `limit` only)."""
    return all_matching_ids(params, limit=limit)


def iter_articles(ids: list[int]) -> Iterator[Article]:
    """Articles in the order of `ids`, read CHUNK at a time; deleted ones are skipped."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        articles = Article.objects.for_display().in_bulk(chunk)
        for pk in chunk:
            if pk in articles:
                yield articles[pk]


def export_record(article: Article, query: ParsedQuery | None, base_url: str) -> dict:
    text = article.lead_and_body
    # The snippet is looked for in the opening only: the whole body is in the row anyway, and
    # highlighting whole texts would cost ~10 ms an article (minutes for a large export).
    record = article_summary(article, snippet(text[:SNIPPET_SCAN], query))
    record["url"] = base_url + record["url"]
    record["body"] = article.body
    return record


def _filename(params: SearchParams, extension: str) -> str:
    """attachment; filename=ASCII fallback; filename*=the words searched, in UTF-8."""
    today = date.today().strftime("%Y%m%d")
    ascii_name = slugify(params.q)[:60] or "search"
    unicode_name = slugify(params.q, allow_unicode=True)[:60] or "search"
    plain = f"arshif-{ascii_name}-{today}.{extension}"
    full = f"arshif-{unicode_name}-{today}.{extension}"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(full)}"


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def _prepare(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return None, form
    params = form.to_params(settings.ARCHIVE_PAGE_SIZE)
    params.page = 1
    return params, form


def _errors(form) -> HttpResponseBadRequest:
    lines = [f"{field}: {error}" for field, errors in form.errors.items() for error in errors]
    return HttpResponseBadRequest(
        "invalid parameters\n" + "\n".join(lines), content_type="text/plain; charset=utf-8"
    )


def highlight_query(text: str) -> ParsedQuery | None:
    """What snippets mark for a search: its words and the other names of entities it names."""
    parsed = parse_query(text)
    if parsed.is_empty:
        return None
    expanded, other_forms = with_entities(parsed)
    return for_highlighting(expanded, other_forms)


def export_limit(user) -> int:
    """The most rows one export holds for this user (staff may export more)."""
    if user is not None and user.is_active and user.is_staff:
        return settings.ARCHIVE_EXPORT_MAX_ROWS_STAFF
    return settings.ARCHIVE_EXPORT_MAX_ROWS


def truncation_message(limit: int) -> str:
    return _(
        "Export cut short: it holds the first %(limit)s results of this search, the most one"
        " export may hold. Narrow the search with filters or dates to export the rest."
    ) % {"limit": f"{limit:,}"}


class _Export:
    """The ids one export writes (at most its limit) and whether the search had more."""

    def __init__(self, request, params: SearchParams):
        self.limit = export_limit(getattr(request, "user", None))
        ids = matching_ids(params, limit=self.limit + 1)
        self.truncated = len(ids) > self.limit
        self.ids = ids[: self.limit]
        self.message = truncation_message(self.limit) if self.truncated else ""

    def headers(self, response) -> None:
        response["X-Arshif-Export-Limit"] = str(self.limit)
        response["X-Arshif-Export-Rows"] = str(len(self.ids))
        if self.truncated:
            response["X-Arshif-Export-Truncated"] = (
                f"first {self.limit} results only; narrow the search to export the rest"
            )


def _records(request, params: SearchParams, ids: list[int]) -> Iterator[dict]:
    query = highlight_query(params.q)
    base_url = request.build_absolute_uri("/").rstrip("/")
    for article in iter_articles(ids):
        yield export_record(article, query, base_url)


@require_GET
def export_csv(request):
    params, form = _prepare(request)
    if params is None:
        return _errors(form)
    export = _Export(request, params)

    def rows():
        writer = csv.writer(_Echo())
        # A byte-order mark, so spreadsheet programs read the Arabic as UTF-8.
        yield "\ufeff" + writer.writerow(COLUMNS)
        for record in _records(request, params, export.ids):
            yield writer.writerow(["" if record[c] is None else record[c] for c in COLUMNS])
        if export.truncated:
            # A last row of one cell, where whoever opens the file sees it.
            yield writer.writerow([f"# {export.message}"])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename(params, "csv")
    export.headers(response)
    return response


@require_GET
def export_jsonl(request):
    params, form = _prepare(request)
    if params is None:
        return _errors(form)
    export = _Export(request, params)

    def lines():
        for record in _records(request, params, export.ids):
            yield json.dumps({c: record[c] for c in COLUMNS}, ensure_ascii=False) + "\n"
        if export.truncated:
            # A last line without an "id": not an article, the notice that the export was cut.
            notice = {"truncated": True, "rows": len(export.ids), "message": export.message}
            yield json.dumps(notice, ensure_ascii=False) + "\n"

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = _filename(params, "jsonl")
    export.headers(response)
    return response
