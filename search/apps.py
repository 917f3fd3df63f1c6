from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        # Registers the system checks and the tagging receivers.
        from search import checks  # noqa: F401
        from search.entities import bidi, signals  # noqa: F401
