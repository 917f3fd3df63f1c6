"""Fixtures shared by the suite: builders for articles and a clean search index per test."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_78a0c063ebd393f5.txt"
DATA = Path(__file__).resolve().parent / "data"


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
    from haystack import connections

    connections["default"].get_backend().clear()
    yield


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
    from search.queue import process_pending

    return process_pending
