"""Fixtures shared by the suite: builders for articles and a clean search index per test."""

from __future__ import annotations

import io
import itertools
import os
import signal
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_78a0c063ebd393f5.txt"
DATA = Path(__file__).resolve().parent / "data"

# A shell without job control starts a background command (`make test &`) with SIGINT ignored,
# and the processes the tests start would inherit that: the tests that stop a worker or the
# servers with Ctrl-C's signal would wait for nothing, and a worker left running would apply
# the queued changes of every later test. Python's own handler is not inherited past exec.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with the gazetteer loaded, as `make run` leaves a real one."""
    with django_db_blocker.unblock():
        _load_gazetteer()


@pytest.fixture(autouse=True)
def clean_index(request):
    """Each test starts with an empty search index (the database is reset by pytest-django)."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if not uses_db:
        yield
        return
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from search.engine import get_engine

    get_engine().clear()
    _clear_postgres_engine()
    _load_gazetteer()
    from search.entities.tagging import invalidate

    invalidate()  # entities a previous test created were rolled back with it
    yield


def _clear_postgres_engine():
    """On PostgreSQL the PostgreSQL engine's tables are in the test database too, but they are
    not models: the flush between tests leaves them as they were, and a later test (its own
    gunicorn with SEARCH_URL=postgres:, say) would find another test's documents there."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from search.engine.postgres.backend import PostgresSearchBackend

    PostgresSearchBackend("default", DATABASE="default").clear()


def _load_gazetteer():
    """Tagging needs the gazetteer; a flushed (transactional) test database has lost it."""
    from search.models import Entity

    if not Entity.objects.exists():
        from django.core.management import call_command

        call_command("load_gazetteer", stdout=io.StringIO())


_counter = itertools.count(1)


@pytest.fixture
def make_article(db):
    """Build and save an article; paragraphs are separate blocks. Returns the saved model."""
    from archive.models import Article, Source

    def build(title=None, body="نص المقال", *, source=None, tags=(), **fields):
        number = next(_counter)
        if isinstance(body, str):
            body = [body]
        article = Article(
            title=title or f"مقال رقم {number}",
            blocks=[{"kind": "paragraph", "text": text} for text in body],
            **fields,
        )
        if source:
            article.source = Source.objects.get_or_create(name=source)[0]
        article.save()
        if tags:
            from archive.models import Tag

            article.tags.set([Tag.objects.get_or_create(name=t)[0] for t in tags])
        return article

    return build


@pytest.fixture
def indexed():
    """Apply queued index changes, as the worker would; call after creating articles."""
    from search.indexing import process_pending

    return process_pending


# Hypothesis (tests/test_fuzz_*.py): a bounded number of examples, no deadline (a shared CI
# machine is slow now and then), and derandomized without an example database, so CI runs the
# same examples every time. HYPOTHESIS_PROFILE=fuzz searches longer, with fresh examples.
hypothesis_settings.register_profile(
    "ci", max_examples=150, deadline=None, derandomize=True, database=None
)
hypothesis_settings.register_profile("fuzz", max_examples=3000, deadline=None, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
