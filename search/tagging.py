"""Tag articles with the gazetteer's places, people and organisations.

The matcher (search.entities, pure) is built from the Entity rows, so an alias added in the
admin counts from the next tagging on. Tagging runs when an article is saved (same transaction,
so the index worker sees the mentions with the article) and by `manage.py retag_articles`.
"""

from __future__ import annotations

import dataclasses
import functools
import threading

from django.db import transaction
from django.db.models import Count, Max

from search import entities
from search.gazetteer import load_entities
from search.models import Entity, Mention

_cache_lock = threading.Lock()
_cache: dict = {"version": None, "matcher": None, "by_key": {}}


def _full_key(kind: str, key: str) -> str:
    return f"{kind}:{key}"


def _version():
    stats = Entity.objects.aggregate(count=Count("pk"), latest=Max("updated"))
    return stats["count"], stats["latest"]


@functools.cache
def _reviewed() -> dict[str, entities.Entity]:
    return {entity.key: entity for entity in load_entities()}


def _pure_entity(row: Entity) -> entities.Entity:
    """The row's names and aliases, with the reviewed file's matching rules where it has them.

    The data files carry rules a name needs to be tagged safely (cue words, phrases that are
    not the entity); the admin edits names and aliases. Both count.
    """
    names = {
        "name_ar": row.name_ar,
        "name_en": row.name_en,
        "aliases": tuple(row.alias_list()),
    }
    key = _full_key(row.kind, row.key)
    reviewed = _reviewed().get(key)
    if reviewed is not None:
        return dataclasses.replace(reviewed, **names)
    return entities.Entity(key=key, kind=row.kind, **names)


def matcher() -> entities.EntityMatcher:
    """The matcher for the entities as they are in the database now (rebuilt when they change)."""
    version = _version()
    with _cache_lock:
        if _cache["version"] != version:
            rows = list(Entity.objects.all())
            pure = [_pure_entity(row) for row in rows]
            _cache.update(
                version=version,
                matcher=entities.EntityMatcher(pure),
                by_key={_full_key(row.kind, row.key): row.pk for row in rows},
            )
        return _cache["matcher"]


def entity_ids_by_key() -> dict[str, int]:
    matcher()
    return _cache["by_key"]


def article_text(article) -> str:
    captions = [caption.get("text", "") for caption in article.captions]
    return "\n".join([article.title, article.standfirst, *captions, article.body])


def tag_article(article) -> bool:
    """Replace the article's mentions with what the text says now; True if they changed."""
    found = matcher().find(article_text(article))
    ids = entity_ids_by_key()
    wanted = {ids[key]: count for key, count in found.items() if key in ids}
    current = dict(article.mentions.values_list("entity_id", "count"))
    if wanted == current:
        return False
    with transaction.atomic():
        article.mentions.exclude(entity_id__in=wanted).delete()
        for entity_id, count in wanted.items():
            if current.get(entity_id) != count:
                Mention.objects.update_or_create(
                    article=article, entity_id=entity_id, defaults={"count": count}
                )
    return True


def retag(articles) -> int:
    """Re-tag the given articles; queue index updates for those whose mentions changed."""
    from search.queue import enqueue

    changed = []
    for article in articles:
        if tag_article(article):
            changed.append(article.pk)
    enqueue(changed)
    return len(changed)


def retag_for_entity(entity) -> int:
    """Re-tag the articles that carry this entity or may name it now (after an admin edit).

    Candidates come from the search index (any of its names, as a phrase) plus the articles
    already tagged with it, so one edit does not re-read the whole archive.
    """
    from archive.models import Article
    from search.query import parse_query
    from search.service import SearchParams, all_matching_ids

    names = [entity.name_ar, entity.name_en, *entity.alias_list()]
    query = " OR ".join(f'"{name}"' for name in dict.fromkeys(n for n in names if n.strip()))
    candidates = set(entity.mentions.values_list("article_id", flat=True))
    if query:
        candidates.update(all_matching_ids(SearchParams(q=query), parse_query(query)))
    return retag(Article.objects.filter(pk__in=candidates).prefetch_related("mentions"))
