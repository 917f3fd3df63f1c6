"""Keep entity mentions in step with the text, in the same transaction as the article."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from archive.models import Article
from search.tagging import tag_article


@receiver(post_save, sender=Article, dispatch_uid="tag-article-entities")
def tag_saved_article(sender, instance, raw=False, **kwargs):
    if not raw:  # fixtures load rows as they are
        tag_article(instance)
