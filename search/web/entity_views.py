"""Entity pages: one place, person or organisation across the archive."""

from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from archive.models import Article
from search.models import Entity, Mention
from search.service import SearchParams, run_search

LATEST = 10
RELATED = 12


def entity_page(request, kind: str, key: str):
    entity = get_object_or_404(Entity, kind=kind, key=key)
    language = get_language() or "ar"
    page = run_search(SearchParams(filters={kind: [key]}, per_page=LATEST))
    articles = Mention.objects.filter(entity=entity).values("article_id")
    related = (
        Mention.objects.filter(article_id__in=articles)
        .exclude(entity=entity)
        .values("entity")
        .annotate(articles=Count("article_id"), mentions=Sum("count"))
        .order_by("-articles", "-mentions")[:RELATED]
    )
    related_entities = Entity.objects.in_bulk([row["entity"] for row in related])
    context = {
        "entity": entity,
        "name": entity.label(language),
        "other_name": entity.name_en if language == "ar" else entity.name_ar,
        "aliases": entity.alias_list(),
        "page": page,
        "article_count": page.count,
        "mention_count": Mention.objects.filter(entity=entity).aggregate(n=Sum("count"))["n"] or 0,
        "related": [
            {
                "entity": related_entities[row["entity"]],
                "articles": row["articles"],
                "label": related_entities[row["entity"]].label(language),
            }
            for row in related
        ],
        "search_query": f"{kind}={key}",
    }
    return render(request, "search/entity.html", context)


def article_entities(article: Article) -> list[dict]:
    """Chips for the article page: its entities, most mentioned first."""
    language = get_language() or "ar"
    mentions = article.mentions.select_related("entity").order_by("-count", "entity__name_en")
    return [
        {
            "kind": m.entity.kind,
            "value": m.entity.key,
            "label": m.entity.label(language),
            "url": m.entity.get_absolute_url(),
            "count": m.count,
        }
        for m in mentions
    ]
