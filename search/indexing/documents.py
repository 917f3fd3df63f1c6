"""Articles as the search engine indexes them (search.engine.contract.IndexDocument).

The database is the truth; a document is derived from an article and its tags and mentions
only, so the whole index can be rebuilt from the database at any time.
"""

from __future__ import annotations

from archive.models import Article
from search.engine.contract import IndexDocument, day_number
from search.models import Mention


def documents_for(ids) -> tuple[list[IndexDocument], list[int]]:
    """The documents of the articles with these ids, and the ids no longer in the database.

    Each article's entities come from one flat query for all of them, instead of a model
    instance per mention and per entity (most of the cost of loading a batch).

    Read without a transaction: on SQLite every transaction here is IMMEDIATE (it takes the
    write lock), so one would queue behind an import's writes and they behind it, for rows
    that are only read. A change committed between these reads has a task of its own, left
    in the queue (the writer deletes only the tasks it read), so the next round re-reads it.
    """
    ids = set(ids)
    articles = list(Article.objects.for_display().filter(pk__in=ids))
    entities: dict[int, list[tuple[str, str]]] = {article.pk: [] for article in articles}
    mentions = Mention.objects.filter(article_id__in=list(entities)).order_by("pk")
    for article_id, kind, key in mentions.values_list("article_id", "entity__kind", "entity__key"):
        entities[article_id].append((kind, key))
    documents = [document(article, entities[article.pk]) for article in articles]
    return documents, sorted(ids - set(entities))


def document(article: Article, entities: list[tuple[str, str]]) -> IndexDocument:
    """One article's document; `entities` are its mentions as (kind, key), in mention order."""
    facets = {
        "source": [article.source.slug] if article.source_id else [],
        "section": [article.section] if article.section else [],
        "language": [article.language],
        "year": [str(article.published.year)] if article.published else [],
        "tag": [tag.name for tag in article.tags.all()],
    }
    for kind in ("place", "person", "org"):
        facets[kind] = [key for of_kind, key in entities if of_kind == kind]
    return IndexDocument(
        id=article.pk,
        title=article.title,
        text=article.searchable_text(),
        facets=facets,
        day=day_number(article.published),
    )
