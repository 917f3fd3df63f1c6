"""Tag articles with the gazetteer's places, people and organisations.

The matcher (search.entities.matcher, pure) is built from the Entity rows, so an alias added in the
admin counts from the next tagging on. Tagging runs when an article is saved (same transaction,
so the index worker sees the mentions with the article) and by `manage.py retag_articles`.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import time

from django.db.models import Count, Max

from archive import rows
from search.entities import matcher as entities
from search.entities.gazetteer import load_entities
from search.models import Entity, Mention

_cache_lock = threading.Lock()
_cache: dict = {"version": None, "matcher": None, "by_key": {}, "checked": 0.0}


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


# How long a process trusts its matcher before asking the database whether the gazetteer
# changed: one query per article would cost more than tagging it during a bulk import.
RECHECK_SECONDS = 2.0


def invalidate() -> None:
    """Forget the matcher, so the next tagging sees entity edits made in this process."""
    with _cache_lock:
        _cache["checked"] = 0.0


def matcher() -> entities.EntityMatcher:
    """The matcher for the entities as they are in the database (rebuilt when they change)."""
    return matcher_and_version()[0]


def matcher_and_version() -> tuple[entities.EntityMatcher, object]:
    """matcher(), and the version of the gazetteer it was built from."""
    now = time.monotonic()
    with _cache_lock:
        if _cache["matcher"] is not None and now - _cache["checked"] < RECHECK_SECONDS:
            return _cache["matcher"], _cache["version"]
    version = _version()
    with _cache_lock:
        _cache["checked"] = now
        if _cache["version"] != version:
            rows = list(Entity.objects.all())
            pure = [_pure_entity(row) for row in rows]
            _cache.update(
                version=version,
                matcher=entities.EntityMatcher(pure),
                by_key={_full_key(row.kind, row.key): row.pk for row in rows},
                names={_full_key(row.kind, row.key): (row.name_ar, row.name_en) for row in rows},
            )
        return _cache["matcher"], _cache["version"]


# The last text looked at, the gazetteer version it was matched with and what was found: an
# import reads each article's text twice in a row, for its preview (entities_in) and when
# tagging it at save, or has it matched ahead in another process (archive.ingest.ahead).
_last_found: tuple = (None, "", {})


def remember_found(text: str, version, found: dict[str, int]) -> None:
    """What a matcher of gazetteer `version` found in `text` (matched elsewhere): the next
    tagging of that text uses it if this process's gazetteer is of the same version."""
    global _last_found
    _last_found = (version, text, dict(found))


def _find(text: str) -> dict[str, int]:
    global _last_found
    current, version = matcher_and_version()
    last_version, last_text, found = _last_found
    if last_version is None or last_version != version or last_text != text:
        found = current.find(text)
        _last_found = (version, text, found)
    return dict(found)


def entities_in(text: str, language: str = "ar") -> list[dict]:
    """The entities a text names, most mentioned first (for an import preview)."""
    found = _find(text)
    names = _cache.get("names", {})
    listed = []
    for key, count in sorted(found.items(), key=lambda item: (-item[1], item[0])):
        kind, value = key.split(":", 1)
        name_ar, name_en = names.get(key, (value, value))
        listed.append(
            {
                "kind": kind,
                "value": value,
                "text": name_ar if language == "ar" else name_en,
                "count": count,
            }
        )
    return listed


def tag_article(article, *, created: bool = False) -> bool:
    """Replace the article's mentions with what the text says now; True if they changed.

    `created`: the article is new, so it has no mentions to compare or remove.
    """
    found = _find(article.searchable_text())
    ids = _cache["by_key"]
    wanted = {ids[key]: count for key, count in found.items() if key in ids}
    # The matcher may be up to RECHECK_SECONDS old: entities deleted meanwhile are left out.
    if created:  # by the insert itself (one statement an imported article, not two)
        _insert_mentions(article.pk, wanted)
        return bool(wanted)
    if wanted:
        alive = rows.existing_ids(Entity, wanted)
        wanted = {pk: count for pk, count in wanted.items() if pk in alive}
    current = dict(article.mentions.values_list("entity_id", "count"))
    if wanted == current:
        return False
    article.mentions.all().delete()
    _insert_mentions(article.pk, wanted)
    return True


def _insert_mentions(article_id: int, wanted: dict[int, int]) -> None:
    rows.insert_rows(
        Mention,
        ("article", "entity", "count"),
        [(article_id, pk, n) for pk, n in wanted.items()],
        present="entity",
    )


def entity_labels(language: str) -> dict[tuple[str, str], str]:
    """(kind, key) → the entity's name in `language`, as fresh as the matcher: facet labels
    on every results page without a query for them."""
    matcher()
    with _cache_lock:
        names = _cache["names"]
        cached = _cache.setdefault("labels", {})
        if cached.get("names") is not names:
            cached.clear()
            cached["names"] = names
        labels = cached.get(language)
        if labels is None:
            column = 0 if Entity.label_field(language) == "name_ar" else 1
            labels = cached[language] = {
                tuple(key.split(":", 1)): pair[column] for key, pair in names.items()
            }
        return labels
