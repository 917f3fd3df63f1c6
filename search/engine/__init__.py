"""Search engines behind one contract (contract.py); `get_engine()` is the one SEARCH_URL selects.

Only `search.engine.<name>` packages know how an engine stores and evaluates; the service and
the index writer speak the contract. Every engine passes the conformance suite, tests/engine/.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from haystack import connections

from search.engine.contract import SearchEngine


def get_engine() -> SearchEngine:
    """This thread's engine (haystack keeps one instance per thread, configured from settings)."""
    engine = connections["default"].get_backend()
    if not isinstance(engine, SearchEngine):
        raise ImproperlyConfigured(
            f"the search engine {type(engine).__name__} does not implement "
            "search.engine.contract.SearchEngine"
        )
    return engine


def reset_engine() -> None:
    """Forget this thread's engine, so the next get_engine() opens its own files and
    connections: in a process forked from one that had the engine open."""
    connections["default"].reset_sessions()
