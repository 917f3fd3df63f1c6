"""python -m search.bench --articles N [--engine whoosh|postgres] [--reuse] [...]

Builds an archive of N generated articles through the same code production runs (the
import_articles command, the index queue and its drain, the /api/search view), and reports
import throughput until searchable, search latency by kind of query beside an SQLite FTS5
reference doing the same work on the same documents (fts5.py), browse and article-page latency,
the peak memory of the importer, the index worker and a web worker (each phase is a process of
its own: phases.py), and the index's segments. Prints a table and writes the numbers to
bench-results/bench-N[-ENGINE].json.

The corpus is generated once per size and cached outside the repository (corpus.py:
ARSHIF_BENCH_CACHE, default ~/.cache/arshif-bench). With --reuse the imported archive is kept
there too, and a later --reuse run of the same size times only the queries against it.

--engine postgres measures the PostgreSQL engine (SEARCH_URL=postgres:) in a database of its
own, created on the server ARSHIF_TEST_DATABASE_URL (else DATABASE_URL) names and dropped
afterwards (`make bench ENGINE=postgres` starts a throw-away cluster when neither is set).

Nothing here is tuned for the benchmark: no extra caches, no warmed-up tricks beyond one pass of
the query mix and the engine's warm_up (a live site is warm too), DEBUG off as in production.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import pstats
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from search.bench import corpus, fts5
from search.bench.phases import RESULT_MARK
from search.bench.report import render

REPO_DIR = Path(__file__).resolve().parents[2]
# Deployment settings that must not leak into a benchmark run: it measures the engine asked
# for, with default sizes, in its own data dir and database.
_ISOLATED = (
    "DATABASE_URL",
    "DATABASE_REPLICA_URLS",
    "DATABASE_CONN_MAX_AGE",
    "DATABASE_REPLICA_URLS",
    "SEARCH_URL",
    "ARCHIVE_PAGE_SIZE",
    "ARCHIVE_MAX_FILE_MB",
    "DJANGO_DEBUG",
)
SERVER_VARIABLES = ("ARSHIF_TEST_DATABASE_URL", "DATABASE_URL")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m search.bench", description=__doc__.strip())
    parser.add_argument(
        "--articles",
        type=int,
        default=10_000,
        help="how many (default 10000; below about 100 the mix's later pages do not exist)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--engine", choices=("whoosh", "postgres"), default="whoosh")
    parser.add_argument(
        "--queries-repeat",
        type=int,
        default=3,
        metavar="K",
        help="timed passes over the query mix after one warm-up pass (default 3)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the imported archive in the cache, or use the one kept there: then only "
        "the queries are timed",
    )
    parser.add_argument(
        "--merge-seconds",
        type=float,
        default=None,
        metavar="S",
        help="start no idle merge after S seconds (default: every merge due)",
    )
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the SQLite FTS5 reference"
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


def phase_environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _ISOLATED}
    env.update(
        ARCHIVE_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="arshif.settings",
        # django.test.Client calls itself "testserver".
        ALLOWED_HOSTS="testserver",
    )
    if database_url:
        env.update(DATABASE_URL=database_url, SEARCH_URL="postgres:")
        env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(40))
    return env


def run_phase(name: str, env: dict, *options: str) -> dict:
    """Run one phase (phases.py) in a process of its own; its numbers, or SystemExit."""
    completed = subprocess.run(
        [sys.executable, "-m", "search.bench.phases", name, *options],
        cwd=REPO_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = completed.stdout.splitlines()
    found = [line for line in lines if line.startswith(RESULT_MARK)]
    if completed.returncode or not found:
        sys.stdout.write(completed.stdout)
        raise SystemExit(f"the {name} phase failed (exit status {completed.returncode})")
    return json.loads(found[-1][len(RESULT_MARK) :])


# --- a database of its own on PostgreSQL ---------------------------------------------------------


def server_url() -> str:
    for name in SERVER_VARIABLES:
        value = os.environ.get(name)
        if value:
            return value
    raise SystemExit(
        "--engine postgres needs a PostgreSQL server: set ARSHIF_TEST_DATABASE_URL (or "
        "DATABASE_URL), or run `make bench ENGINE=postgres`, which starts a throw-away one"
    )


def _admin(url: str, statement: str, params: tuple = ()) -> list:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=parts.path.lstrip("/") or "postgres",
        autocommit=True,
    ) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def database_exists(url: str, name: str) -> bool:
    return bool(_admin(url, "SELECT 1 FROM pg_database WHERE datname = %s", (name,)))


def bench_database(url: str, name: str, *, fresh: bool) -> str:
    """The URL of database `name` on the server of `url`, created (dropped first if `fresh`)."""
    if fresh:
        _admin(url, f'DROP DATABASE IF EXISTS "{name}"')
    if not database_exists(url, name):
        _admin(url, f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


# --- the run ------------------------------------------------------------------------------------


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


def _profile_top(path: Path, limit: int = 25) -> str:
    if not path.exists():
        return ""
    out = __import__("io").StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    return out.getvalue()


def reference(folder: Path, key: str, repeat: int) -> dict:
    """The FTS5 reference over the corpus, its table built once and cached beside it."""
    from search.analysis import ANALYSIS_VERSION

    path = corpus.cache_dir() / f"fts5-{key}-a{ANALYSIS_VERSION}.sqlite3"
    built = None
    if not path.exists():
        print("building the FTS5 reference…", file=sys.stderr, flush=True)
        built = fts5.build(corpus.jsonl_files(folder), path)
    result = fts5.run(path, repeat)
    result["built"] = built
    result["megabytes"] = round(path.stat().st_size / 1048576, 1)
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    # Stopped with kill: still remove the data dir (the finally clause below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    overridden = [name for name in _ISOLATED if os.environ.get(name)]
    if overridden:
        print(f"note: not passing {', '.join(overridden)} on to the phases", file=sys.stderr)
    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    folder, generated = corpus.corpus(args.articles, args.seed)
    print(
        f"corpus {folder} ({'cached' if generated['cached'] else 'generated'})",
        file=sys.stderr,
        flush=True,
    )

    key = corpus.archive_key(args.engine, args.articles, args.seed)
    if args.reuse:
        data_dir = corpus.cache_dir() / key
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="arshif-bench-"))
    imported = corpus.finished_import(data_dir) if args.reuse else None
    database_url = None
    database_name = key.replace("-", "_")
    if args.engine == "postgres":
        url = server_url()
        if imported is not None and not database_exists(url, database_name):
            imported = None  # kept on a server that is gone (a throw-away cluster)
        database_url = bench_database(url, database_name, fresh=imported is None)
    if args.reuse and imported is None:  # an import that never finished: start again
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
    env = phase_environment(data_dir, database_url)
    results_dir = args.results_dir
    suffix = "" if args.engine == "whoosh" else f"-{args.engine}"
    prof_base = results_dir / f"bench-{args.articles}{suffix}"
    try:
        print(f"data dir {data_dir}", file=sys.stderr, flush=True)
        reused = imported is not None
        if not reused:
            options = ["--folder", str(folder / corpus.FILES)]
            if args.profile:
                options += ["--profile", f"{prof_base}-import.prof"]
            imported = run_phase("import", env, *options)
            if not imported["articles"]:
                print(f"nothing was imported ({imported['summary']}):", file=sys.stderr)
                print("\n".join(imported["errors"]), file=sys.stderr)
                return 1
            if args.reuse:
                corpus.mark_imported(data_dir, imported)
        options = ["--repeat", str(args.queries_repeat)]
        if args.profile:
            options += ["--profile", f"{prof_base}-search.prof"]
        searched = run_phase("queries", env, *options)
        merged = None
        if not reused:
            merge_options = (
                [] if args.merge_seconds is None else ["--seconds", str(args.merge_seconds)]
            )
            merged = run_phase("merge", env, *merge_options)
            if merged["merges"]:
                merged["search"] = run_phase("queries", env, "--repeat", "1")
        ref = (
            None
            if args.no_reference
            else reference(folder, corpus.corpus_key(args.articles, args.seed), args.queries_repeat)
        )

        result = {
            "articles": args.articles,
            "seed": args.seed,
            "engine": args.engine,
            "reused_archive": reused,
            "environment": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "load_start": round(load_start, 2),
                "load_end": round(os.getloadavg()[0], 2),
                "git": _git_revision(),
                "seconds": round(time.perf_counter() - started, 1),
            },
            "generate": generated,
            "import": imported,
            "search": searched,
            "idle_merges": merged,
            "reference": ref,
        }
        print(render(result))
        results_dir.mkdir(parents=True, exist_ok=True)
        out_path = results_dir / f"bench-{args.articles}{suffix}.json"
        out_path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(f"\nnumbers written to {out_path}")
        if args.profile:
            top = "IMPORT\n" + _profile_top(Path(f"{prof_base}-import.prof"))
            top += "\nSEARCH\n" + _profile_top(Path(f"{prof_base}-search.prof"))
            (results_dir / f"bench-{args.articles}{suffix}-profile.txt").write_text(top)
            print(f"profiles written to {prof_base}-import.prof and {prof_base}-search.prof")
        failed = imported["counts"].get("failed", 0) or searched["problems"]
        return 1 if failed else 0
    finally:
        if args.reuse:
            print(f"archive kept for --reuse: {data_dir}", file=sys.stderr)
        elif args.keep:
            print(f"data dir kept: {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
            if database_url:
                _admin(server_url(), f'DROP DATABASE IF EXISTS "{database_name}"')


if __name__ == "__main__":
    sys.exit(main())
