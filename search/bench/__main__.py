"""python -m search.bench --articles N [--seed S] [--queries-repeat K]

Builds a throw-away archive of N generated articles in a fresh data dir, through the same code
production runs (the import_articles command, the index queue, the /api/search view), and reports
import throughput, search latency by kind of query, browse latency and peak memory. Prints a table
and writes the numbers to bench-results/bench-N.json.

Nothing here is tuned for the benchmark: no extra caches, no warmed-up tricks beyond one pass of
the query mix (a live site is warm too), DEBUG off as in production.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import hashlib
import io
import json
import math
import os
import platform
import pstats
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from search.bench import generator
from search.bench import queries as query_mix
from search.bench.report import (
    BROWSE_P95_TARGET_MS,
    IMPORT_RATE_TARGET,
    SEARCH_P95_TARGET_MS,
    render,
)

REPO_DIR = Path(__file__).resolve().parents[2]
ARTICLES_PER_FILE = 1000
_SUMMARY = re.compile(r"(imported|updated|skipped|failed) (\d+)")
# Deployment settings that must not leak into a benchmark run: it always measures the embedded
# SQLite + Whoosh set-up with default sizes, in its own data dir.
_ISOLATED = (
    "DATABASE_URL",
    "DATABASE_REPLICA_URLS",
    "DATABASE_CONN_MAX_AGE",
    "SEARCH_URL",
    "ARCHIVE_PAGE_SIZE",
    "ARCHIVE_MAX_FILE_MB",
    "DJANGO_DEBUG",
)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m search.bench", description=__doc__.strip())
    parser.add_argument(
        "--articles",
        type=int,
        default=10_000,
        help="how many (default 10000; below about 100 the mix's later pages do not exist)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--queries-repeat",
        type=int,
        default=3,
        metavar="K",
        help="timed passes over the query mix after one warm-up pass (default 3)",
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=REPO_DIR / "bench-results",
        help="where bench-N.json goes (default bench-results/ in the repository)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also write cProfile stats of the import and the timed searches (slows both)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data dir afterwards")
    args = parser.parse_args(argv)
    if args.articles < 1 or args.queries_repeat < 1:
        parser.error("--articles and --queries-repeat must be at least 1")
    return args


def isolate(data_dir: Path) -> list[str]:
    """Point Django at a fresh data dir; must run before the settings are first imported."""
    overridden = [name for name in _ISOLATED if os.environ.pop(name, None) is not None]
    os.environ["ARCHIVE_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "arshif.settings"
    # django.test.Client calls itself "testserver".
    os.environ["ALLOWED_HOSTS"] = "testserver"
    return overridden


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


def max_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1048576


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


def dir_size_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0
    return total / 1048576


class Profiler:
    """cProfile around a phase when asked for, else nothing."""

    def __init__(self, enabled: bool, path: Path):
        self.profile = cProfile.Profile() if enabled else None
        self.path = path

    def __enter__(self):
        if self.profile:
            self.profile.enable()
        return self

    def __exit__(self, *exc):
        if self.profile:
            self.profile.disable()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.profile.dump_stats(self.path)

    def top(self, limit: int = 25) -> str:
        if not self.profile:
            return ""
        out = io.StringIO()
        stats = pstats.Stats(self.profile, stream=out)
        stats.sort_stats("cumulative").print_stats(limit)
        stats.sort_stats("tottime").print_stats(limit)
        return out.getvalue()


# --- phases -------------------------------------------------------------------------------------


def generate_files(directory: Path, articles: int, seed: int) -> dict:
    started = time.perf_counter()
    paths = generator.write_jsonl_parts(directory, articles, seed, per_file=ARTICLES_PER_FILE)
    seconds = time.perf_counter() - started
    words = 0
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                words += len(record["title"].split()) + len(record["body"].split())
    return {
        "files": len(paths),
        "seconds": round(seconds, 2),
        "megabytes": round(dir_size_mb(directory), 1),
        "words": words,
    }


def import_and_index(directory: Path, profiler: Profiler) -> dict:
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
        with profiler:
            try:
                call_command("import_articles", str(directory), stdout=out, stderr=err)
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
            "names: update search/bench/__main__.py so its phases are timed again"
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
    }


def merge_as_the_worker_would() -> dict:
    """The merges an import leaves for the worker's idle time
    (search.indexing.merge_when_idle), run one after another as an idle worker would,
    timed."""
    from search.engine import get_engine
    from search.indexing import merge_when_idle

    def segments() -> dict[str, int]:
        found = get_engine().index._segments()  # the Whoosh engine's segments
        return {segment.segment_id(): segment.doc_count_all() for segment in found}

    before, merges = segments(), 0
    started = time.perf_counter()
    while merge_when_idle():
        merges += 1
    seconds = time.perf_counter() - started
    after = segments()
    return {
        "segments_before": len(before),
        "segments_after": len(after),
        "merges": merges,
        "articles_merged": sum(docs for key, docs in before.items() if key not in after),
        "seconds": round(seconds, 2),
    }


def run_queries(repeat: int, profiler: Profiler) -> dict:
    from django.test import Client

    client = Client()
    mix = list(query_mix.queries())

    def get(params):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get("/api/search", params)
        wall = (time.perf_counter() - started) * 1000
        return response, wall, (time.process_time() - cpu_started) * 1000

    # Warm-up pass: opens the searcher and builds its per-searcher caches, as the first
    # requests after an index change do on a live site. Its first request is reported as cold.
    problems, zero_hits, hits = [], {}, {}
    cold_ms = None
    for category, params in mix:
        response, ms, _ = get(params)
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
    with profiler:
        for _ in range(repeat):
            for category, params in mix:
                response, ms, cpu_ms = get(params)
                if response.status_code != 200:
                    problems.append(f"{category} {params}: HTTP {response.status_code} (timed)")
                samples.setdefault(category, []).append(ms)
                cpu_samples.setdefault(category, []).append(cpu_ms)
    cpu_share = (time.process_time() - cpu_started) / (time.perf_counter() - started)

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
        "cold_first_request_ms": round(cold_ms or 0.0, 1),
        "cpu_share": round(cpu_share, 2),
        "categories": categories,
        "search": summarise(pooled(samples, False), pooled(cpu_samples, False)),
        "browse": summarise(pooled(samples, True), pooled(cpu_samples, True)),
        "problems": problems,
        "unexpected_zero_hits": unexpected_empty,
    }


def _git_revision() -> str:
    """The commit measured; with uncommitted changes, "+dirty-" and a hash of `git diff HEAD`,
    so two runs of the same working tree can be told from runs of different ones."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True
        ).stdout.strip()
        diff = subprocess.run(["git", "diff", "HEAD"], cwd=REPO_DIR, capture_output=True).stdout
    except OSError:
        return ""
    return f"{head}+dirty-{hashlib.sha1(diff).hexdigest()[:8]}" if diff else head


def main(argv=None) -> int:
    args = parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="arshif-bench-"))
    # Stopped with kill: still remove the data dir (the finally clause below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    overridden = isolate(data_dir)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    memory = {}
    load_start = os.getloadavg()[0]
    results_dir = args.results_dir
    prof_base = results_dir / f"bench-{args.articles}"
    try:
        if overridden:
            print(f"note: ignoring {', '.join(overridden)} from the environment", file=sys.stderr)
        print(f"data dir {data_dir}", file=sys.stderr)
        gen = generate_files(data_dir / "import", args.articles, args.seed)
        memory["after generate"] = max_rss_mb()
        call_command("migrate", verbosity=0, interactive=False)
        entities = load_gazetteer()

        import_profiler = Profiler(args.profile, Path(f"{prof_base}-import.prof"))
        imported = import_and_index(data_dir / "import", import_profiler)
        memory["after import"] = max_rss_mb()
        imported["gazetteer_entities"] = entities
        if not imported["articles"]:
            print(f"nothing was imported ({imported['summary']}):", file=sys.stderr)
            print("\n".join(imported["errors"]), file=sys.stderr)
            return 1
        database = sum(p.stat().st_size for p in data_dir.glob("*.sqlite3*")) / 1048576
        index_dir = Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
        disk = {"database_mb": round(database, 1), "index_mb": round(dir_size_mb(index_dir), 1)}

        # Production serves static files after collectstatic; an empty folder stands in for it,
        # so WhiteNoise does not warn on every run.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        search_profiler = Profiler(args.profile, Path(f"{prof_base}-search.prof"))
        searched = run_queries(args.queries_repeat, search_profiler)
        memory["after search"] = max_rss_mb()
        merged = merge_as_the_worker_would()
        memory["after merging"] = max_rss_mb()
        if merged["merges"]:
            merged["search"] = run_queries(1, Profiler(False, Path(os.devnull)))

        result = {
            "articles": args.articles,
            "seed": args.seed,
            "environment": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "load_start": round(load_start, 2),
                "load_end": round(os.getloadavg()[0], 2),
                "git": _git_revision(),
            },
            "generate": gen,
            "import": imported,
            "disk": disk,
            "search": searched,
            "idle_merges": merged,
            "memory_mb": {k: round(v, 1) for k, v in memory.items()},
            "targets": {
                "search_p95_ms": SEARCH_P95_TARGET_MS,
                "browse_p95_ms": BROWSE_P95_TARGET_MS,
                "import_articles_per_s": IMPORT_RATE_TARGET,
            },
        }
        print(render(result))
        results_dir.mkdir(parents=True, exist_ok=True)
        out_path = results_dir / f"bench-{args.articles}.json"
        out_path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(f"\nnumbers written to {out_path}")
        if args.profile:
            print(f"profiles written to {prof_base}-import.prof and {prof_base}-search.prof")
            (results_dir / f"bench-{args.articles}-profile.txt").write_text(
                "IMPORT\n" + import_profiler.top() + "\nSEARCH\n" + search_profiler.top()
            )
        failed = imported["counts"].get("failed", 0) or searched["problems"]
        return 1 if failed else 0
    finally:
        if args.keep:
            print(f"data dir kept: {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
