"""System checks: configuration mistakes reported by `manage.py check`."""

import os

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_data_dir(app_configs, **kwargs):
    if not os.access(settings.DATA_DIR, os.W_OK):
        return [
            Error(
                f"ARCHIVE_DATA_DIR {settings.DATA_DIR} is not writable",
                hint="Point ARCHIVE_DATA_DIR at a folder this user can write to.",
                id="arshif.E001",
            )
        ]
    return []
