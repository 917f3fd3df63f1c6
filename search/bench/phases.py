"""The benchmark's phases, each run in a process of its own by the runner (__main__.py):

    python -m search.bench.phases import|queries|merge [options]

`import` is the importer (`import_articles` on the corpus, with the drain beside it),
`queries` a web worker (the query mix through the real views, as a reader's requests),
`merge` the index worker merging when idle. Apart, each process's peak memory is its own:
what an importer, a web worker and the index worker need. The runner sets the environment
(ARCHIVE_DATA_DIR, DATABASE_URL, SEARCH_URL) before starting one; the phase prints its numbers
as one JSON line starting with RESULT_MARK, last on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import math
import re
import resource
import sys
import time
from pathlib import Path

RESULT_MARK = "BENCH-RESULT "
_SUMMARY = re.compile(r"(imported|updated|skipped|failed) (\d+)")
# Articles whose pages are timed (spread over the ids), as a reader opens search results.
ARTICLE_PAGES = 40


def max_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(who).ru_maxrss * scale / 1048576


def reset_peak_rss() -> bool:
    """Start this process's peak resident memory (VmHWM) afresh (Linux); say whether it could."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float | None:
    """VmHWM, the peak resident memory since the last reset_peak_rss (Linux)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) / 1024 if found else None


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: every reported value was observed)."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(samples_ms: list[float], cpu_ms: list[float]) -> dict:
    """Wall-clock latency (what a reader waits), and the CPU time of the same requests.

    On a machine other processes share, wall time grows with their load while CPU time barely
    does: the two side by side tell a slow code path from a busy machine.
    """
    return {
        "n": len(samples_ms),
        "p50_ms": round(percentile(samples_ms, 50), 2),
        "p95_ms": round(percentile(samples_ms, 95), 2),
        "max_ms": round(max(samples_ms), 2),
        "mean_ms": round(sum(samples_ms) / len(samples_ms), 2),
        "cpu_p50_ms": round(percentile(cpu_ms, 50), 2),
        "cpu_p95_ms": round(percentile(cpu_ms, 95), 2),
    }


class Profiler:
    """cProfile around a phase when asked for (a path), else nothing."""

    def __init__(self, path: str | None):
        self.profile = cProfile.Profile() if path else None
        self.path = path

    def __enter__(self):
        if self.profile:
            self.profile.enable()
        return self

    def __exit__(self, *exc):
        if self.profile:
            self.profile.disable()
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.profile.dump_stats(self.path)


def index_shape() -> dict:
    """The search index's segments (the Whoosh engine's; none for an engine without them) and
    its size on disk, or the database's for an engine kept in it."""
    from django.conf import settings
    from django.db import connection

    from search.engine import get_engine

    engine = get_engine()
    if not getattr(engine, "setup_complete", True):
        engine.setup()
    found = {}
    index = getattr(engine, "index", None)
    if index is not None and hasattr(index, "_segments"):
        segments = index._segments()
        found["segments"] = len(segments)
        found["segment_documents"] = sorted(
            (segment.doc_count_all() for segment in segments), reverse=True
        )
        found["deleted_documents"] = sum(segment.deleted_count() for segment in segments)
        path = Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
        found["index_mb"] = round(_folder_mb(path), 1)
    elif hasattr(engine, "batches"):  # the PostgreSQL engine's batches of postings
        batches = engine.batches()
        found["segments"] = len(batches)
        found["segment_documents"] = sorted((live for _, live, _ in batches), reverse=True)
        found["deleted_documents"] = sum(dead for _, _, dead in batches)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            found["database_mb"] = round(float(cursor.fetchone()[0]) / 1048576, 1)
            cursor.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                " WHERE c.relname LIKE 'search_pg_%%' AND c.relkind = 'r'"
            )
            found["index_mb"] = round(float(cursor.fetchone()[0]) / 1048576, 1)
    else:
        found["database_mb"] = round(
            sum(p.stat().st_size for p in settings.DATA_DIR.glob("*.sqlite3*")) / 1048576, 1
        )
    return found


def _folder_mb(path: Path) -> float:
    if not path.exists():
        return 0.0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1048576


# --- import -------------------------------------------------------------------------------------


def load_gazetteer() -> int | None:
    """Load the place/person/organisation gazetteer, as a deployed archive has it.

    Articles are tagged with its entities when saved, so the import is measured with that work.
    """
    from django.core.management import call_command, get_commands

    if "load_gazetteer" not in get_commands():
        return None
    call_command("load_gazetteer", stdout=io.StringIO())
    from search.models import Entity

    return Entity.objects.count()


def run_import(folder: Path, profile: str | None) -> dict:
    """Run import_articles on the folder, timing its phases.

    The command stores the articles (a second process indexes what is committed meanwhile,
    see search.indexing.drain_alongside) and then drains what is left with
    process_pending; wrapping the names the command calls times each phase without changing
    what runs.
    """
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from archive.management.commands import import_articles as command
    from archive.models import Article

    call_command("migrate", verbosity=0, interactive=False)
    entities = load_gazetteer()
    phases = {"store_seconds": 0.0, "alongside": 0, "tail_seconds": 0.0, "tail_applied": 0}
    real_process_pending = command.process_pending
    real_drain_alongside = command.drain_alongside

    def timed_process_pending(*args, **kwargs):
        started = time.perf_counter()
        applied = real_process_pending(*args, **kwargs)
        phases["tail_seconds"] += time.perf_counter() - started
        phases["tail_applied"] += applied
        return applied

    @contextlib.contextmanager
    def timed_drain_alongside(*args, **kwargs):
        with real_drain_alongside(*args, **kwargs) as outcome:
            started = time.perf_counter()
            yield outcome
            phases["store_seconds"] = time.perf_counter() - started
            stopping = time.perf_counter()
        # Waiting for the second process to apply what it had: part of the tail.
        phases["tail_seconds"] += time.perf_counter() - stopping
        phases["alongside"] = outcome.applied if outcome.ran else None

    out, err = io.StringIO(), io.StringIO()
    command.process_pending = timed_process_pending
    command.drain_alongside = timed_drain_alongside
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        with Profiler(profile):
            try:
                call_command("import_articles", str(folder), stdout=out, stderr=err)
            except CommandError as error:  # some records failed: reported below
                err.write(f"import_articles: {error}\n")
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    finally:
        command.process_pending = real_process_pending
        command.drain_alongside = real_drain_alongside
    if not phases["store_seconds"]:
        raise RuntimeError(
            "import_articles no longer calls drain_alongside and process_pending by those "
            "names: update search/bench/phases.py so its phases are timed again"
        )
    summary = (out.getvalue().strip().splitlines() or ["(no summary)"])[-1]
    counts = {k: int(v) for k, v in _SUMMARY.findall(summary)}
    articles = Article.objects.count()
    store = phases["store_seconds"]
    return {
        "summary": summary,
        "counts": counts,
        "errors": err.getvalue().strip().splitlines()[:20],
        "articles": articles,
        "gazetteer_entities": entities,
        "seconds": round(total, 2),
        "cpu_share": round(cpu / total, 2),
        "articles_per_s": round(articles / total, 1),
        "store_seconds": round(store, 2),
        "store_articles_per_s": round(articles / store, 1) if store else None,
        # Index changes applied by the second process while the import ran (None: it did not
        # run, e.g. on one core), then what the command still had to apply afterwards.
        "indexed_alongside": phases["alongside"],
        "tail_seconds": round(phases["tail_seconds"], 2),
        "tail_applied": phases["tail_applied"],
        "near_duplicates_linked": _near_duplicates(),
        "index": index_shape(),
        # The importing process, and the largest process it waited for: the drain beside it.
        "importer_peak_mb": round(max_rss_mb(), 1),
        "index_drain_peak_mb": round(max_rss_mb(resource.RUSAGE_CHILDREN), 1),
    }


def _near_duplicates() -> int:
    from archive.models import Article

    return Article.objects.filter(near_duplicate_of__isnull=False).count()


# --- queries ------------------------------------------------------------------------------------


def run_queries(repeat: int, profile: str | None) -> dict:
    """The query mix through /api/search, as a web worker serves it (warmed up as keep_warm
    warms it), then article pages."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from archive.models import Article
    from search.bench import queries as query_mix
    from search.engine import get_engine
    from search.engine.contract import FACETS

    # Pages link the hashed static files, as production serves them after collectstatic.
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    mix = list(query_mix.queries())
    warm_started = time.perf_counter()
    get_engine().warm_up(FACETS)  # what keep_warm does in a web worker (arshif/wsgi.py)
    warm_up_seconds = time.perf_counter() - warm_started

    def get(path, params=None):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path, params or {})
        wall = (time.perf_counter() - started) * 1000
        return response, wall, (time.process_time() - cpu_started) * 1000

    # Warm-up pass: builds the per-searcher caches, as the first requests after an index
    # change do on a live site. Its first request is reported as cold.
    problems, zero_hits, hits = [], {}, {}
    cold_ms = None
    for category, params in mix:
        response, ms, _ = get("/api/search", params)
        if cold_ms is None:
            cold_ms = ms
        if response.status_code != 200:
            problems.append(f"{category} {params}: HTTP {response.status_code}")
            continue
        count = response.json()["count"]
        hits.setdefault(category, []).append(count)
        if count == 0:
            zero_hits.setdefault(category, []).append(params)

    samples: dict[str, list[float]] = {}
    cpu_samples: dict[str, list[float]] = {}
    started, cpu_started = time.perf_counter(), time.process_time()
    with Profiler(profile):
        for _ in range(repeat):
            for category, params in mix:
                response, ms, cpu_ms = get("/api/search", params)
                if response.status_code != 200:
                    problems.append(f"{category} {params}: HTTP {response.status_code} (timed)")
                samples.setdefault(category, []).append(ms)
                cpu_samples.setdefault(category, []).append(cpu_ms)
    cpu_share = (time.process_time() - cpu_started) / (time.perf_counter() - started)

    ids = list(Article.objects.order_by("id").values_list("id", flat=True))
    step = max(1, len(ids) // ARTICLE_PAGES)
    pages, page_cpu = [], []
    for pk in ids[::step][:ARTICLE_PAGES]:
        get(f"/articles/{pk}/")  # warm-up, as for searches
        for _ in range(repeat):
            response, ms, cpu_ms = get(f"/articles/{pk}/", {})
            if response.status_code not in (200, 301, 302):
                problems.append(f"article {pk}: HTTP {response.status_code}")
            pages.append(ms)
            page_cpu.append(cpu_ms)

    categories = {}
    for category, values in samples.items():
        counts = hits.get(category, [])
        categories[category] = {
            **summarise(values, cpu_samples[category]),
            "queries": len(query_mix.QUERY_MIX[category]),
            "zero_hits": len(zero_hits.get(category, [])),
            "median_hits": sorted(counts)[len(counts) // 2] if counts else 0,
        }

    def pooled(source: dict[str, list[float]], browse: bool) -> list[float]:
        return [
            ms
            for category, values in source.items()
            if (category in query_mix.BROWSE) == browse
            for ms in values
        ]

    unexpected_empty = {
        category: entries
        for category, entries in zero_hits.items()
        if category not in query_mix.EXPECTED_EMPTY
    }
    return {
        "queries": len(mix),
        "repeat": repeat,
        "warm_up_seconds": round(warm_up_seconds, 2),
        "cold_first_request_ms": round(cold_ms or 0.0, 1),
        "cpu_share": round(cpu_share, 2),
        "categories": categories,
        "search": summarise(pooled(samples, False), pooled(cpu_samples, False)),
        "browse": summarise(pooled(samples, True), pooled(cpu_samples, True)),
        "article_page": summarise(pages, page_cpu) if pages else None,
        "problems": problems,
        "unexpected_zero_hits": unexpected_empty,
        "index": index_shape(),
        "web_worker_peak_mb": round(max_rss_mb(), 1),
    }


# --- merges -------------------------------------------------------------------------------------


def run_merges(limit_seconds: float | None) -> dict:
    """The merges an import leaves for the worker's idle time (search.indexing.merge_when_idle),
    one after another as an idle worker runs them, each timed with its peak memory; stopped
    after `limit_seconds` (the next merge is not started)."""
    from search.indexing import merge_when_idle

    before = index_shape()
    merges = []
    started = time.perf_counter()
    while limit_seconds is None or time.perf_counter() - started < limit_seconds:
        measured = reset_peak_rss()
        merge_started = time.perf_counter()
        if not merge_when_idle():
            break
        shape = index_shape()
        merges.append(
            {
                "seconds": round(time.perf_counter() - merge_started, 2),
                "peak_mb": round(peak_rss_mb(), 1) if measured else None,
                "segments_after": shape.get("segments"),
                "largest_segment": (shape.get("segment_documents") or [None])[0],
            }
        )
    after = index_shape()
    return {
        "before": before,
        "after": after,
        "merges": merges,
        "seconds": round(time.perf_counter() - started, 2),
        "stopped_early": limit_seconds is not None and bool(merges) and _merge_due(),
        # Resetting the peak for each merge (reset_peak_rss) resets ru_maxrss too.
        "index_worker_peak_mb": round(
            max([max_rss_mb(), *(merge["peak_mb"] or 0 for merge in merges)]), 1
        ),
    }


def _merge_due() -> bool:
    from search.engine import get_engine

    engine = get_engine()
    if not getattr(engine, "setup_complete", True):
        engine.setup()
    index = getattr(engine, "index", None)
    if index is None or not hasattr(engine, "_merge_policy"):
        return False
    merged, kept = engine._merge_policy(idle=True).plan(index._segments())
    return bool(merged) or len(kept) != len(index._segments())


# --- entry point --------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search.bench.phases")
    parser.add_argument("phase", choices=("import", "queries", "merge"))
    parser.add_argument("--folder", type=Path, help="import: the corpus's JSONL folder")
    parser.add_argument("--repeat", type=int, default=3, help="queries: timed passes")
    parser.add_argument("--seconds", type=float, help="merge: start no merge after this long")
    parser.add_argument("--profile", help="write cProfile stats of the phase to this file")
    args = parser.parse_args(argv)
    import django

    django.setup()
    if args.phase == "import":
        result = run_import(args.folder, args.profile)
    elif args.phase == "queries":
        result = run_queries(args.repeat, args.profile)
    else:
        result = run_merges(args.seconds)
    print(RESULT_MARK + json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
