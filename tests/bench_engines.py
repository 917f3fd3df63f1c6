"""Whoosh and PostgreSQL engines side by side: apply throughput and query latency.

    python -m tests.postgres -- python -m tests.bench_engines [--articles N]

runs in a throw-away PostgreSQL cluster (tests/postgres.py): generated articles
(search/bench/generator.py) are applied to both engines through the contract, in the index
writer's batches, then the benchmark's query mix (search/bench/queries.py) is asked of each,
as the search service asks it (a page of 20, every facet). Prints a table; nothing is kept.
Engine against engine only: no web request, no Django ORM, no import, unlike `make bench`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.utils.text import slugify

from search.analysis.query import parse_query
from search.bench.generator import generate
from search.bench.queries import QUERY_MIX
from search.engine.contract import FACETS, IndexDocument, SearchRequest, day_number
from search.engine.postgres.backend import PostgresSearchBackend
from search.engine.postgres.columns import CACHE
from search.engine.whoosh.backend import ArabicWhooshBackend
from search.indexing.writer import BATCH_SIZE

CATEGORIES = (
    "word_common",
    "word_mid",
    "word_rare",
    "two_words",
    "phrase",
    "or",
    "exclude",
    "prefix",
    "filter",
    "date_range",
    "typo",
    "browse",
    "browse_filtered",
)


class ColdPostgres(PostgresSearchBackend):
    """The PostgreSQL engine without the columns warm_up() reads: counting in SQL."""

    def search(self, request):
        CACHE.forget()
        return super().search(request)


def day(published: str | None) -> int:
    return day_number(date.fromisoformat(published[:10])) if published else 0


def documents(count: int, seed: int) -> list[IndexDocument]:
    """Generated articles as the index writer's documents (tags also as places and orgs)."""
    found = []
    for number, record in enumerate(generate(count, seed), 1):
        published = record.get("published") or None
        tags = record["tags"]
        found.append(
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
                    "place": tags[:1],
                    "org": tags[1:],
                },
                day=day(published),
            )
        )
    return found


def request_of(params: dict) -> SearchRequest:
    q = params.get("q", "")
    return SearchRequest(
        query=parse_query(q),
        filters={
            name: [value] if isinstance(value, str) else list(value)
            for name, value in params.items()
            if name in FACETS
        },
        day_from=day(params["from"]) if "from" in params else None,
        day_to=day(params["to"]) if "to" in params else None,
        sort=params.get("sort", "relevance"),
        offset=(int(params.get("page", "1")) - 1) * 20,
        limit=20 if q else 0,
        facets=FACETS,
        match_all=not q,
    )


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def postgres_mb() -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c"
            " WHERE c.relname LIKE 'search_pg_%%' AND c.relkind = 'r'"
        )
        return float(cursor.fetchone()[0]) / 1e6


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the mix")
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        print("run it inside python -m tests.postgres (a PostgreSQL database)", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    folder = Path(tempfile.mkdtemp(prefix="arshif-bench-"))
    try:
        return run(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path) -> int:
    whoosh = ArabicWhooshBackend("default", PATH=str(folder / "index"))
    whoosh.setup()
    postgres = PostgresSearchBackend("default")
    postgres.clear()
    engines = {"whoosh": whoosh, "postgres": postgres}

    corpus = documents(args.articles, seed=1)
    # A batch of other texts under existing ids (one in seven, at most 200), and deletions.
    others = documents(min(200, len(corpus) // 7), seed=2)
    changed = [replace(d, id=corpus[n * 7].id) for n, d in enumerate(others)]
    print(f"{args.articles} generated articles, batches of {BATCH_SIZE}\n")
    print(f"{'':28}" + "".join(f"{name:>14}" for name in engines))
    rows: dict[str, list[str]] = {}
    for engine in engines.values():
        seconds = sum(
            timed(engine.apply, corpus[start : start + BATCH_SIZE], [])
            for start in range(0, len(corpus), BATCH_SIZE)
        )
        rows.setdefault("apply (documents/s)", []).append(f"{len(corpus) / seconds:.0f}")
        seconds = timed(engine.apply, changed, list(range(5, args.articles, 50)))
        rows.setdefault(f"replace {len(changed)} (documents/s)", []).append(
            f"{len(changed) / seconds:.0f}"
        )
    # As the worker leaves an index once idle (merged, vacuumed) and the web process reads it
    # (keep_warm).
    for engine in engines.values():
        seconds = 0.0
        while True:
            start = time.perf_counter()
            merged = engine.merge_idle()
            seconds += time.perf_counter() - start
            if not merged:
                break
        rows.setdefault("merge_idle until done (s)", []).append(f"{seconds:.1f}")
        seconds = timed(engine.warm_up, FACETS)
        rows.setdefault("first warm_up (s)", []).append(f"{seconds:.2f}")
    rows["size (MB)"] = [f"{folder_mb(folder / 'index'):.0f}", f"{postgres_mb():.0f}"]
    for label, values in rows.items():
        print(f"{label:28}" + "".join(f"{value:>14}" for value in values))

    print(f"\nquery latency, ms: median / p95 over {args.repeat} passes (after one warm-up)")
    variants = {**engines, "postgres (SQL counts)": ColdPostgres("default")}
    print(f"{'':28}" + "".join(f"{name:>22}" for name in variants))
    for category in CATEGORIES:
        requests = [request_of(params) for params in QUERY_MIX[category]]
        cells = []
        for engine in variants.values():
            engine.warm_up(FACETS)  # as keep_warm does (ColdPostgres forgets it again)
            for request in requests:  # warm-up
                engine.search(request)
            samples = [
                1000 * timed(engine.search, request)
                for _ in range(args.repeat)
                for request in requests
            ]
            median = statistics.median(samples)
            p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else median
            cells.append(f"{median:.1f} / {p95:.1f}")
        print(f"{category:28}" + "".join(f"{cell:>22}" for cell in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
