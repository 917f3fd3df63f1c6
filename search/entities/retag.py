"""Re-tagging after the gazetteer changed: the articles that may name an entity, tagged again.

Above the search service (it asks the engine which articles may name an entity), so it is a
module of its own: tagging itself (tagging.py) sits below the service, which uses its matcher.
"""

from __future__ import annotations

from search.analysis.query import parse_query
from search.entities.tagging import tag_article
from search.indexing import enqueue
from search.service import SearchParams, all_matching_ids


def retag(articles) -> int:
    """Re-tag the given articles; queue index updates for those whose mentions changed."""
    changed = []
    for article in articles:
        if tag_article(article):
            changed.append(article.pk)
    enqueue(changed)
    return len(changed)


def candidate_ids(entity) -> list[int]:
    """Ids of the articles that carry this entity or may name it now, lowest first.

    Candidates come from the search index (any of its names, as a phrase) plus the articles
    already tagged with it (so a removed name is untagged), not from re-reading the archive.
    """
    names = [entity.name_ar, entity.name_en, *entity.alias_list()]
    query = " OR ".join(f'"{name}"' for name in dict.fromkeys(n for n in names if n.strip()))
    candidates = set(entity.mentions.values_list("article_id", flat=True))
    if query:
        candidates.update(all_matching_ids(SearchParams(q=query), parse_query(query)))
    return sorted(candidates)
