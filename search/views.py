"""The home page, the results page and the search API."""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render

from search.forms import SearchForm
from search.serializers import result_page
from search.service import PageOutOfRange, SearchParams, facet_title, run_search

HOME_LATEST = 10


def _facet_groups(page):
    return [
        {"name": name, "title": facet_title(name), "values": values}
        for name, values in page.facets.items()
        if values
    ]


def home(request):
    page = run_search(SearchParams(per_page=HOME_LATEST))
    context = {"page": page, "facet_groups": _facet_groups(page), "form": SearchForm()}
    return render(request, "search/home.html", context)


def search_page(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "page": None, "facet_groups": []}
        return render(request, "search/results.html", context, status=400)
    try:
        page = run_search(form.to_params(settings.ARCHIVE_PAGE_SIZE))
    except PageOutOfRange:
        raise Http404("No such page of results") from None
    context = {"form": form, "page": page, "facet_groups": _facet_groups(page)}
    return render(request, "search/results.html", context)


def search_api(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return JsonResponse({"error": "invalid parameters", "fields": errors}, status=400)
    try:
        page = run_search(form.to_params(settings.ARCHIVE_PAGE_SIZE))
    except PageOutOfRange as error:
        return JsonResponse({"error": f"page {error} is out of range"}, status=404)
    return JsonResponse(result_page(page), json_dumps_params={"ensure_ascii": False})
