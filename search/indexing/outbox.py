"""The outbox: every committed change to an article is a queued IndexTask row.

Saving or deleting an article (or changing its tags) writes an IndexTask row in the same
transaction, so the queue holds exactly the committed changes, and a web request never touches
the index itself. The one writer (writer.py) applies them.
"""

from __future__ import annotations

from django.db.models import signals
from django.utils import timezone
from haystack.signals import BaseSignalProcessor

from archive import rows
from archive.models import Article
from search.models import IndexTask


class QueueSignalProcessor(BaseSignalProcessor):
    """Haystack signal processor that queues instead of writing to the index."""

    def setup(self):
        signals.post_save.connect(self.enqueue, sender=Article)
        signals.post_delete.connect(self.enqueue, sender=Article)
        signals.m2m_changed.connect(self.enqueue_m2m, sender=Article.tags.through)

    def teardown(self):
        signals.post_save.disconnect(self.enqueue, sender=Article)
        signals.post_delete.disconnect(self.enqueue, sender=Article)
        signals.m2m_changed.disconnect(self.enqueue_m2m, sender=Article.tags.through)

    def enqueue(self, sender, instance, **kwargs):
        enqueue([instance.pk])

    def enqueue_m2m(self, sender, instance, action, reverse, pk_set, **kwargs):
        if not action.startswith("post_"):
            return
        # From the tag side (tag.articles.add(...)) the articles are in pk_set.
        enqueue(sorted(pk_set or []) if reverse else [instance.pk])


def enqueue(article_ids) -> None:
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
