"""Keep entity mentions in step with the text, in the same transaction as the article."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from archive.models import Article
from search.entities.tagging import invalidate, tag_article
from search.indexing import enqueue
from search.models import Entity


@receiver(post_save, sender=Article, dispatch_uid="tag-article-entities")
def tag_saved_article(sender, instance, created=False, raw=False, **kwargs):
    if raw:  # fixtures load rows as they are
        return
    changed = tag_article(instance, created=created)
    if changed and not transaction.get_connection().in_atomic_block:
        # Saved outside a transaction, the article's queued change was committed before these
        # mentions: the index writer may already have indexed it without them. Queue it again.
        enqueue([instance.pk])


@receiver(post_save, sender=Entity, dispatch_uid="entity-saved")
@receiver(post_delete, sender=Entity, dispatch_uid="entity-deleted")
def forget_matcher(sender, **kwargs):
    invalidate()
