"""The home page, the results page, the search API and the small machine-readable documents."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

from search.service import PageOutOfRange, SearchParams, facet_title, run_search
from search.web import ui
from search.web.exports import export_limit
from search.web.forms import SearchForm
from search.web.serializers import result_page

HOME_LATEST = 10


def _facet_groups(page):
    return [
        {
            "name": name,
            "title": facet_title(name),
            "values": values,
            "selected": sum(1 for value in values if value.selected),
        }
        for name, values in page.facets.items()
        if values
    ]


def _sort_choices(has_words: bool):
    from django.utils.translation import gettext as _

    choices = [("newest", _("Newest first")), ("oldest", _("Oldest first"))]
    if has_words:
        choices.insert(0, ("relevance", _("Most relevant")))
    return choices


def home(request):
    page = run_search(SearchParams(per_page=HOME_LATEST))
    context = {
        "page": page,
        "facet_groups": _facet_groups(page),
        "form": SearchForm(),
        "timeline": page.timeline,
    }
    return render(request, "search/home.html", context)


def search_page(request):
    form = SearchForm(request.GET)
    context = {"form": form, "page": None, "facet_groups": [], "chips": []}
    if not form.is_valid():
        context["chips"] = ui.active_chips(request.GET, None)
        return render(request, "search/results.html", context, status=400)
    try:
        page = run_search(form.to_params(settings.ARCHIVE_PAGE_SIZE))
    except PageOutOfRange as error:
        # Said on the page, with the search still in the box, rather than a bare "Not found".
        context["chips"] = ui.active_chips(request.GET, None)
        context["page_error"] = str(error)
        return render(request, "search/results.html", context, status=404)
    pairs = ui.search_pairs(request.GET)
    without_dates = ui.search_pairs(request.GET, drop=("from", "to"))
    query = ui.encode(pairs)
    exportable = export_limit(request.user)
    suggestion_url = None
    if page.suggestion:
        suggestion_url = ui.results_url(
            [("q", page.suggestion), *ui.search_pairs(request.GET, drop=("q",))]
        )
    context.update(
        {
            "page": page,
            "facet_groups": _facet_groups(page),
            "chips": ui.active_chips(request.GET, page),
            "pager": ui.pager(page, request.GET) if page.pages > 1 else [],
            "previous_url": ui.page_url(request.GET, page.page - 1) if page.page > 1 else None,
            "next_url": ui.page_url(request.GET, page.page + 1) if page.page < page.pages else None,
            "sort_choices": _sort_choices(bool(page.params.q.strip())),
            "current_sort": page.params.effective_sort,
            "timeline": page.timeline,
            "timeline_query": ui.encode(without_dates),
            "query_string": query,
            "suggestion_url": suggestion_url,
            "first_result": (page.page - 1) * page.params.per_page + 1,
            "last_result": (page.page - 1) * page.params.per_page + len(page.results),
            "export_csv": reverse("search:export-csv") + (f"?{query}" if query else ""),
            "export_jsonl": reverse("search:export-jsonl") + (f"?{query}" if query else ""),
            "export_rows": min(page.count, exportable),
            "export_truncated": page.count > exportable,
            "feed_url": reverse("search:feed") + (f"?{query}" if query else ""),
            "api_url": reverse("search:api") + (f"?{query}" if query else ""),
            "without_filters_url": ui.results_url(ui.search_pairs(request.GET, drop=_FILTERS)),
            "has_filters": any(key in _FILTERS for key, _value in pairs),
        }
    )
    return render(request, "search/results.html", context)


_FILTERS = tuple(key for key in ui.SEARCH_KEYS if key not in ("q", "sort"))


def search_api(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return JsonResponse({"error": "invalid parameters", "fields": errors}, status=400)
    try:
        page = run_search(form.to_params(settings.ARCHIVE_PAGE_SIZE))
    except PageOutOfRange as error:
        return JsonResponse({"error": str(error)}, status=404)
    return JsonResponse(result_page(page), json_dumps_params={"ensure_ascii": False})


@require_GET
def opensearch(request):
    """OpenSearch description: browsers offer the archive as a search engine."""
    context = {
        "base": request.build_absolute_uri("/").rstrip("/"),
        "results": request.build_absolute_uri(reverse("search:results")),
        "feed": request.build_absolute_uri(reverse("search:feed")),
        "api": request.build_absolute_uri(reverse("search:api")),
    }
    return render(
        request,
        "search/opensearch.xml",
        context,
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )


@require_GET
def favicon(request):
    """/favicon.ico, which feed readers, crawlers and old browsers ask for whatever the page says:
    the static file (served with its long cache by WhiteNoise), not a 404 in every log."""
    return redirect(static("favicon.ico"))


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        # Articles are listed in the sitemap; search, exports and feeds are endless
        # combinations of parameters, and the API and admin are not for crawlers.
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /search/",
        "Disallow: /i18n/",
        "Allow: /articles/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
