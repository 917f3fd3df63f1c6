"""Entity names are saved without bidi controls, like articles (see archive/bidi.py)."""

from django.db.models.signals import pre_save
from django.dispatch import receiver

from archive.ingest.sanitize import strip_bidi_controls
from search.models import Entity


@receiver(pre_save, sender=Entity, dispatch_uid="entity-no-bidi-controls")
def entity_without_bidi_controls(sender, instance, **kwargs):
    for name in ("name_ar", "name_en", "aliases"):
        setattr(instance, name, strip_bidi_controls(getattr(instance, name)))
