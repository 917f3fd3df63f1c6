"""The engine conformance suite: what every search engine must do to serve Arshif.

Written once against the contract (search.engine.contract) and run, unchanged, for every engine
in ENGINES: each test gets a fresh, empty engine, indexes documents built by hand and asserts
exactly what a caller sees in the hits (ids in order, totals, facets, months, suggestions,
BM25 scores computed by hand). To add an engine, add its name and its factory to ENGINES below.

A factory is a context manager taking the test's pytest `request` (for fixtures an engine
needs: a temporary folder, a database) and yielding a fresh, empty engine; leaving it cleans up.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from search.engine.contract import SearchEngine


@contextmanager
def whoosh_engine(request):
    from search.engine.whoosh.backend import ArabicWhooshBackend

    folder = request.getfixturevalue("tmp_path") / "whoosh-index"
    engine = ArabicWhooshBackend("default", PATH=str(folder))
    engine.setup()
    yield engine


@contextmanager
def postgres_engine(request):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "the PostgreSQL engine searches the test database, which is not PostgreSQL here "
            "(make test-postgres runs it)"
        )
    request.getfixturevalue("db")
    from search.engine.postgres.backend import PostgresSearchBackend

    engine = PostgresSearchBackend("default", DATABASE="default")
    engine.setup()
    engine.clear()
    yield engine


@contextmanager
def postgres_engine_warm(request):
    """The PostgreSQL engine holding every document's date and facets in the process, as the
    web process's keep_warm thread keeps them: facets, filters and months counted in numpy."""
    with postgres_engine(request):  # skips unless on PostgreSQL; an empty index
        from search.engine.postgres.backend import PostgresSearchBackend

        class WarmBeforeEverySearch(PostgresSearchBackend):
            def search(self, request):
                self.warm_up()
                return super().search(request)

        yield WarmBeforeEverySearch("default", DATABASE="default")


ENGINES = {
    "whoosh": whoosh_engine,
    "postgres": postgres_engine,
    "postgres-warm": postgres_engine_warm,
}


# Engines searching the test database (when it is PostgreSQL): their tests are marked
# django_db, so that pytest-django sets the test database up (it looks for the marker before
# any test runs); elsewhere their factory skips them.
DATABASE_ENGINES = {"postgres", "postgres-warm"}


def pytest_collection_modifyitems(items):
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    here = Path(__file__).parent
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None or here not in item.path.parents:
            continue
        if callspec.params.get("engine") in DATABASE_ENGINES:
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(params=list(ENGINES))
def engine(request) -> SearchEngine:
    """A fresh, empty engine of each kind in ENGINES."""
    with ENGINES[request.param](request) as made:
        assert isinstance(made, SearchEngine)
        assert made.count() == 0
        yield made
