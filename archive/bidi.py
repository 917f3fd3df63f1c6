"""No bidi control is stored in what the reader's pages and the admin show.

Imports already drop them (archive.ingest.sanitize); these receivers do the same for every
other way text is saved (an admin edit, the shell), just before the row is written, so a title
typed with an unclosed U+202E cannot reorder the admin's lists, tooltips and labels, which are
Django's templates, not ours. Search ignores the characters anyway.
"""

from django.db.models.signals import pre_save
from django.dispatch import receiver

from archive.ingest.sanitize import strip_bidi_controls
from archive.models import Article, Source, Tag


def _texts(items: list, *keys: str) -> list:
    return [
        {**item, **{k: strip_bidi_controls(item[k]) for k in keys if isinstance(item.get(k), str)}}
        if isinstance(item, dict)
        else item
        for item in items or []
    ]


@receiver(pre_save, sender=Article, dispatch_uid="article-no-bidi-controls")
def article_without_bidi_controls(sender, instance, **kwargs):
    for name in ("title", "standfirst", "author", "section", "body"):
        setattr(instance, name, strip_bidi_controls(getattr(instance, name)))
    instance.blocks = _texts(instance.blocks, "text")
    instance.captions = _texts(instance.captions, "text", "credit")


@receiver(pre_save, sender=Source, dispatch_uid="source-no-bidi-controls")
@receiver(pre_save, sender=Tag, dispatch_uid="tag-no-bidi-controls")
def name_without_bidi_controls(sender, instance, **kwargs):
    instance.name = strip_bidi_controls(instance.name)
