"""System checks: configuration mistakes and an index that cannot serve the archive, reported
by `manage.py check` and at the start of every management command."""

import os

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import DatabaseError

from archive.models import Article
from search.analysis import ANALYSIS_VERSION
from search.engine import get_engine
from search.engine.contract import IndexUnavailable


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


@register()
def check_search_index(app_configs, **kwargs):
    """Warn at start-up when the search index cannot serve the archive: unreadable, missing or
    empty while the database holds articles, or built by an older text analysis. (The full
    comparison, document by document, is `manage.py check_index`.)"""
    fix = "Run `manage.py check_index --repair` (it rebuilds the index from the database)."
    try:
        articles = Article.objects.count()
    except (DatabaseError, RuntimeError):
        # No database yet (before `migrate`), or none this process may read (a test without
        # one): nothing to compare the index with.
        return []
    if not articles:
        return []
    try:
        engine = get_engine()
        indexed = engine.count()
        version = engine.analysis_version()
    except IndexUnavailable as error:
        return [Warning(str(error), hint=fix, id="arshif.W010")]
    except Exception as error:  # a start-up check reports, it never stops the command
        message = f"the search index cannot be opened ({type(error).__name__}: {error})"
        return [Warning(message, hint=fix, id="arshif.W010")]
    if not indexed:
        return [
            Warning(
                f"the search index is missing or empty, but the database holds {articles} "
                "articles: searches find nothing",
                hint=fix,
                id="arshif.W011",
            )
        ]
    if version != ANALYSIS_VERSION:
        built = "an unrecorded version" if version is None else f"version {version}"
        return [
            Warning(
                f"the search index was built with {built} of the text analysis; this is "
                f"version {ANALYSIS_VERSION}: some searches miss articles until it is rebuilt",
                hint=fix,
                id="arshif.W012",
            )
        ]
    return []
