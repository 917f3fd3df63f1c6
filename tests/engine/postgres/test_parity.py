"""The PostgreSQL engine answers exactly as the Whoosh engine on a generated archive.

Beyond the conformance suite's hand-made cases: a few hundred generated articles (Zipfian news
vocabulary, spelling noise, phrases, English), indexed in several batches with replacements and
deletions, and the benchmark's whole query mix (words common to rare, variants, phrases, OR,
exclusions, prefixes, filters, date ranges, sorts, pages, typos, browsing) plus entity clauses,
asked of both engines. Ids, totals, scores, facets, months and suggestions must be equal: the
PostgreSQL engine stores lengths and computes BM25 as Whoosh does (float32, in the same order),
so switching engines changes no ranking.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.utils.text import slugify

from search.analysis.query import ParsedQuery, parse_query
from search.bench.generator import generate
from search.bench.queries import queries
from search.engine.contract import FACETS, IndexDocument, SearchRequest, day_number

pytestmark = pytest.mark.django_db

ARTICLES = 400


def _day(published: str | None) -> int:
    return day_number(date.fromisoformat(published[:10])) if published else 0


def _documents(count: int, seed: int) -> list[IndexDocument]:
    documents = []
    for number, record in enumerate(generate(count, seed), 1):
        published = record.get("published") or None
        day = _day(published)
        tags = record["tags"]
        documents.append(
            IndexDocument(
                id=number,
                title=record["title"],
                text=record["title"] + "\n" + record["body"],
                facets={
                    "source": [slugify(record["source"], allow_unicode=True)],
                    "section": [record["section"]],
                    "language": [record["language"]],
                    "year": [published[:4]] if published else [],
                    "tag": tags,
                    # Entities: the tags again, so that entity clauses find something.
                    "place": tags[:1],
                    "org": tags[1:],
                },
                day=day,
            )
        )
    return documents


def _fill(engine) -> None:
    """The archive in three batches, then a batch of replacements (other texts, dates and
    facets under the same ids) and deletions."""
    documents = _documents(ARTICLES, seed=7)
    third = ARTICLES // 3
    engine.apply(documents[:third], [])
    engine.apply(documents[third : 2 * third], [])
    engine.apply(documents[2 * third :], [])
    others = _documents(60, seed=8)
    replaced = [replace(other, id=documents[n * 5].id) for n, other in enumerate(others)]
    engine.apply(replaced, [n for n in range(3, ARTICLES, 17)])


@pytest.fixture
def engines(request, tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL engine needs the test database on PostgreSQL")
    from search.engine.postgres.backend import PostgresSearchBackend
    from search.engine.whoosh.backend import ArabicWhooshBackend

    whoosh = ArabicWhooshBackend("default", PATH=str(tmp_path / "index"))
    whoosh.setup()
    postgres = PostgresSearchBackend("default", DATABASE="default")
    postgres.clear()
    for engine in (whoosh, postgres):
        _fill(engine)
    return whoosh, postgres


def _requests():
    """The benchmark's query mix as engine requests, plus entity clauses and full orders."""
    for category, params in queries():
        q = params.get("q", "")
        filters = {
            name: [value] if isinstance(value, str) else list(value)
            for name, value in params.items()
            if name in FACETS
        }
        page = int(params.get("page", "1"))
        request = SearchRequest(
            query=parse_query(q),
            filters=filters,
            day_from=_day(params["from"]) if "from" in params else None,
            day_to=_day(params["to"]) if "to" in params else None,
            sort=params.get("sort", "relevance"),
            offset=(page - 1) * 20,
            limit=0 if not q else 20,
            facets=FACETS,
            match_all=not q,
        )
        yield f"{category}: {params}", request
        if q:
            yield f"{category} (every match): {params}", replace(request, offset=0, limit=None)
    for word, kind, key in [("سوريا", "place", "سوريا"), ("اليمن", "org", "اليمن")]:
        parsed = parse_query(word)
        ((clause,),) = parsed.groups
        named = ParsedQuery(groups=[[replace(clause, entities=((kind, key),))]])
        yield f"entity {kind}:{key}", SearchRequest(query=named, limit=None, facets=FACETS)
    yield "empty", SearchRequest(query=ParsedQuery(), facets=FACETS)


REQUESTS = list(_requests())


def test_the_archive_is_the_same_in_both(engines):
    whoosh, postgres = engines
    # Some deleted ids were also applied again in the same batch: those stay (as a batch
    # applies its documents after its deletions).
    assert postgres.count() == whoosh.count() == 379


@pytest.mark.parametrize("warm", [False, True], ids=["counted-in-sql", "counted-in-numpy"])
def test_both_engines_answer_every_query_alike(engines, warm):
    whoosh, postgres = engines
    if warm:  # facets, filters and months from the columns read into the process
        postgres.warm_up(FACETS)
    differences = []
    matched_something = 0
    for label, request in REQUESTS:
        expected = whoosh.search(request)
        found = postgres.search(request)
        matched_something += bool(expected.total)
        # Scores too are equal to the last bit (float32, the same operations in the same order).
        seen = (found.total, found.ids, found.scores, found.facets, found.months, found.suggestion)
        wanted = (
            expected.total,
            expected.ids,
            expected.scores,
            expected.facets,
            expected.months,
            expected.suggestion,
        )
        if seen != wanted:
            differences.append(label)
    assert differences == []
    # The mix is meant to find things (typos aside): a vacuous comparison would prove nothing.
    assert matched_something > len(REQUESTS) * 0.8
