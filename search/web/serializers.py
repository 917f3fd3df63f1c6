"""JSON shapes of the public API (docs/reference.md). Plain functions over model instances."""

from search.service import ResultPage
from search.web.article_serializers import article_summary


def result_page(page: ResultPage) -> dict:
    return {
        "query": page.params.q,
        "count": page.count,
        "page": page.page,
        "pages": page.pages,
        "results": [article_summary(r.article, r.snippet_html) for r in page.results],
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for name, values in page.facets.items()
        },
        "suggestion": page.suggestion,
    }
