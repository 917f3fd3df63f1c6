from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Archive")

    def ready(self):
        # Bidi controls are stripped from every text saved (archive/bidi.py).
        from archive import bidi  # noqa: F401
