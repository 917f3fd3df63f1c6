"""JSON shapes of the public API (docs/reference.md): plain functions over model instances."""

from archive.models import Article
from search.analysis.highlight import snippet
from search.service import ResultPage
from search.web.entity_views import article_entities


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
        # What the search left out or changed (a query shortened, a prefix capped, pages
        # beyond the depth limit), in the interface language.
        "notes": [str(note) for note in page.notes],
    }


def article_summary(article: Article, snippet_html: str | None = None) -> dict:
    if snippet_html is None:
        snippet_html = snippet(article.standfirst or article.body, None)
    return {
        "id": article.pk,
        "url": article.get_absolute_url(),
        "title": article.title,
        "source": article.source.name if article.source else None,
        "section": article.section or None,
        "language": article.language,
        "published": article.published.isoformat() if article.published else None,
        "source_url": article.url or None,
        "snippet": snippet_html,
    }


def article_detail(article: Article) -> dict:
    return {
        **article_summary(article),
        "standfirst": article.standfirst,
        "body": article.body,
        "blocks": article.blocks,
        "captions": article.captions,
        "author": article.author,
        "tags": [tag.name for tag in article.tags.all()],
        "entities": [
            {"kind": e["kind"], "value": e["value"], "label": e["label"]}
            for e in article_entities(article)
        ],
        "needs_review": article.needs_review,
        "created": article.created.isoformat(),
        "updated": article.updated.isoformat(),
    }
