"""The engine conformance suite (see conftest.py): builders shared by its modules."""

from __future__ import annotations

from search.analysis.query import ParsedQuery, parse_query
from search.engine.contract import IndexDocument, SearchHits, SearchRequest


def doc(id: int, text: str, *, title: str = "", day: int = 0, **facets: list[str]):
    """An IndexDocument as the index writer would give it: facets by keyword, day YYYYMMDD."""
    return IndexDocument(id=id, title=title, text=text, facets=facets, day=day)


def search(engine, query: str | ParsedQuery = "", **request) -> SearchHits:
    """engine.search() of a query as a reader types it (or already parsed), every match by
    default."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    request.setdefault("limit", None)
    return engine.search(SearchRequest(query=parsed, **request))


def matching(engine, query: str | ParsedQuery, **request) -> list[int]:
    """The ids a query matches, lowest first: which documents, whatever their order."""
    hits = search(engine, query, **request)
    assert hits.total == len(hits.ids)
    return sorted(hits.ids)
