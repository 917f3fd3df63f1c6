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

import pytest

from search.engine.contract import SearchEngine


@contextmanager
def whoosh_engine(request):
    from search.engine.whoosh.backend import ArabicWhooshBackend

    folder = request.getfixturevalue("tmp_path") / "whoosh-index"
    engine = ArabicWhooshBackend("default", PATH=str(folder))
    engine.setup()
    yield engine


ENGINES = {
    "whoosh": whoosh_engine,
}


@pytest.fixture(params=list(ENGINES))
def engine(request) -> SearchEngine:
    """A fresh, empty engine of each kind in ENGINES."""
    with ENGINES[request.param](request) as made:
        assert isinstance(made, SearchEngine)
        assert made.count() == 0
        yield made
