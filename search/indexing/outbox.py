"""The outbox: every committed change to an article is a queued IndexTask row.

Saving or deleting an article (or changing its tags) writes an IndexTask row in the same
transaction, so the queue holds exactly the committed changes, and a web request never touches
the index itself. The one writer (writer.py) applies them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models import signals
from django.utils import timezone
from haystack.signals import BaseSignalProcessor

from archive import rows
from archive.models import Article, Source, Tag
from search.models import Entity, IndexTask


class QueueSignalProcessor(BaseSignalProcessor):
    """Haystack signal processor that queues instead of writing to the index.

    Besides an article's own changes, it queues the articles whose documents change with a
    row they point to: a source's slug, a tag's name and an entity's kind or key are facet
    values, and deleting a tag or an entity takes it off its articles (with no signal of
    the articles' own).
    """

    def setup(self):
        signals.post_save.connect(self.enqueue, sender=Article)
        signals.post_delete.connect(self.enqueue, sender=Article)
        signals.m2m_changed.connect(self.enqueue_m2m, sender=Article.tags.through)
        for model in INDEXED_VALUES:
            signals.pre_save.connect(self.remember_indexed_value, sender=model)
            signals.post_save.connect(self.enqueue_if_renamed, sender=model)
        for model in (Tag, Entity):
            signals.pre_delete.connect(self.enqueue_articles_of, sender=model)

    def teardown(self):
        signals.post_save.disconnect(self.enqueue, sender=Article)
        signals.post_delete.disconnect(self.enqueue, sender=Article)
        signals.m2m_changed.disconnect(self.enqueue_m2m, sender=Article.tags.through)
        for model in INDEXED_VALUES:
            signals.pre_save.disconnect(self.remember_indexed_value, sender=model)
            signals.post_save.disconnect(self.enqueue_if_renamed, sender=model)
        for model in (Tag, Entity):
            signals.pre_delete.disconnect(self.enqueue_articles_of, sender=model)

    def enqueue(self, sender, instance, **kwargs):
        enqueue([instance.pk])

    def enqueue_m2m(self, sender, instance, action, reverse, pk_set, **kwargs):
        if not action.startswith("post_"):
            return
        # From the tag side (tag.articles.add(...)) the articles are in pk_set.
        enqueue(sorted(pk_set or []) if reverse else [instance.pk])

    def remember_indexed_value(self, sender, instance, raw=False, **kwargs):
        if raw or instance.pk is None:
            return
        fields = INDEXED_VALUES[sender]
        instance._indexed_before = (
            sender.objects.filter(pk=instance.pk).values_list(*fields).first()
        )

    def enqueue_if_renamed(self, sender, instance, created=False, raw=False, **kwargs):
        before = getattr(instance, "_indexed_before", None)
        instance._indexed_before = None
        if created or raw or before is None:
            return
        if before != tuple(getattr(instance, name) for name in INDEXED_VALUES[sender]):
            enqueue(articles_of(instance))

    def enqueue_articles_of(self, sender, instance, **kwargs):
        # Before the delete: afterwards the links to its articles are gone with it.
        enqueue(articles_of(instance))


# The fields of these rows that an article's document holds (search.indexing.documents).
INDEXED_VALUES = {Source: ("slug",), Tag: ("name",), Entity: ("kind", "key")}


def articles_of(instance) -> list[int]:
    """The ids of the articles whose documents hold this source, tag or entity."""
    if isinstance(instance, Source):
        found = Article.objects.filter(source=instance)
    elif isinstance(instance, Tag):
        found = Article.objects.filter(tags=instance)
    else:
        found = Article.objects.filter(mentions__entity=instance)
    return list(found.values_list("pk", flat=True).distinct())


_gathering = threading.local()


@contextmanager
def gathered() -> Iterator[list[int]]:
    """Within, enqueue() adds the ids to the list this yields instead of writing them: for a
    caller that writes them itself, later in the same transaction (an import's batch writes
    one row a saved article in one statement, not one statement each), and drops those of
    work that rolled back."""
    outer = getattr(_gathering, "ids", None)
    ids: list[int] = []
    _gathering.ids = ids
    try:
        yield ids
    finally:
        _gathering.ids = outer


def enqueue(article_ids) -> None:
    gathering = getattr(_gathering, "ids", None)
    if gathering is not None:
        gathering.extend(article_ids)
        return
    # Once per saved article: plain SQL (archive.rows) rather than bulk_create's compiling.
    now = timezone.now()
    rows.insert_rows(IndexTask, ("article_id", "created"), [(pk, now) for pk in article_ids])


def pending_count() -> int:
    return IndexTask.objects.count()


def rebuild_queue() -> int:
    """Queue every article (used to bring a new or wiped index up to date)."""
    ids = list(Article.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 5000):
        enqueue(ids[start : start + 5000])
    return len(ids)
