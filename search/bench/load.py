"""python -m search.bench.load [--articles N] [--readers R] [--editors E] [--duration S]

A load run against the archive as `make run` serves it: a real gunicorn (WEB_CONCURRENCY workers,
default 2, 60 s timeout) and the `manage.py worker` process, on loopback, over a copy of a
generated archive of N articles. R readers and E editors (search/bench/load_client.py) run for S
seconds (and at most --max-requests requests); then the worker is left to drain and the run checks:

- no answer 5xx and no request without an answer (each one is listed);
- every article an editor was told was saved is in the database exactly once, and a search for
  its own word finds it, and only it, once the worker has drained;
- the database and the index agree: as many documents as articles, and the same number per
  source, language and year.

It prints requests/s and p50/p95/p99 per kind of request and writes everything to
bench-results/load-N.json. Exit status 1 when a check fails.

The generated archive is built once per N and seed into a cache folder outside the repository
(--cache-dir, default $XDG_CACHE_HOME/arshif-load or ~/.cache/arshif-load) and copied for each
run, so what the editors add never reaches the cache.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from search.analysis import ANALYSIS_VERSION
from search.bench import generator
from search.bench.load_client import Editor, run, search_tokens
from search.bench.load_report import check, count_by, render, slowest, summarise

# Counted per value in the database and in the index: the two must agree.
COMPARED_FACETS = ("source", "language", "year")
REPO_DIR = Path(__file__).resolve().parents[2]
# Deployment settings that must not leak into a load run: it measures the default set-up
# (SQLite + Whoosh in its own data dir, default limits), as `make run` starts it.
_ISOLATED_PREFIXES = ("ARCHIVE_", "DATABASE_", "SEARCH_URL", "DJANGO_")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m search.bench.load",
        description=__doc__.strip().split("\n\n")[1],
    )
    parser.add_argument("--articles", type=int, default=10_000, help="archive size (10000)")
    parser.add_argument("--readers", type=int, default=20, help="concurrent readers (20)")
    parser.add_argument("--editors", type=int, default=2, help="editors uploading (2)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (60)")
    parser.add_argument(
        "--max-requests", type=int, default=100_000, help="stop earlier after this many (100000)"
    )
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=600,
        help="seconds the worker may take to apply what is left afterwards (600)",
    )
    parser.add_argument(
        "--inline-import-kb",
        type=int,
        default=512,
        metavar="KB",
        help="the server's ARCHIVE_INLINE_IMPORT_KB (512, its default); the editors' large "
        "uploads are just over it, so the worker imports them",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed (1)")
    parser.add_argument("--cache-dir", type=Path, default=None, help="where archives are kept")
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=REPO_DIR / "bench-results",
        help="where load-N.json goes (bench-results/ in the repository)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the run's data dir and logs")
    args = parser.parse_args(argv)
    if min(args.articles, args.readers, args.max_requests, args.inline_import_kb) < 1:
        parser.error("--articles, --readers, --max-requests, --inline-import-kb: at least 1")
    if args.editors < 0:
        parser.error("--editors must be at least 0")
    if args.duration <= 0:
        parser.error("--duration must be more than 0")
    return args


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "arshif-load"


def clean_env(data_dir: Path, inline_kb: int = 512) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_ISOLATED_PREFIXES)}
    env.update(
        ARCHIVE_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="arshif.settings",
        ALLOWED_HOSTS="127.0.0.1",
        ARCHIVE_INLINE_IMPORT_KB=str(inline_kb),
        PYTHONPATH=str(REPO_DIR),
        WEB_CONCURRENCY=os.environ.get("WEB_CONCURRENCY", "2"),
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def cached_archive(cache_dir: Path, articles: int, seed: int) -> Path:
    """The data dir of a generated archive (database and index), built when missing."""
    entry = cache_dir / (
        f"archive-{articles}-seed{seed}-g{generator.GENERATOR_VERSION}-analysis{ANALYSIS_VERSION}"
    )
    stamp_path = entry / "built.json"
    if stamp_path.exists():
        stamp = json.loads(stamp_path.read_text())
        if not stamp.get("merged"):  # built before the cache settled its index
            _settle(clean_env(entry))
            stamp_path.write_text(json.dumps({**stamp, "merged": True}) + "\n")
        _bring_up_to_date(entry)
        return entry
    cache_dir.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=cache_dir))
    try:
        started = time.perf_counter()
        print(f"building a {articles}-article archive in {entry} (once)", file=sys.stderr)
        generator.write_jsonl_parts(building / "import", articles, seed, per_file=1000)
        env = clean_env(building)
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(env, "load_gazetteer")
        _manage(env, "import_articles", str(building / "import"), "--no-progress")
        shutil.rmtree(building / "import")
        _settle(env)
        seconds = round(time.perf_counter() - started, 1)
        stamp = {"articles": articles, "seed": seed, "seconds": seconds, "merged": True}
        (building / "built.json").write_text(json.dumps(stamp) + "\n")
        shutil.rmtree(entry, ignore_errors=True)
        building.rename(entry)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return entry


def _bring_up_to_date(entry: Path) -> None:
    """A cached archive built by older code (an older schema, documents indexed without what
    the index stores now) is brought up to date once, in the cache, so that every run starts
    from an archive whose index agrees with its database."""
    env = clean_env(entry)
    _manage(env, "migrate", "--noinput", "-v", "0")
    check = subprocess.run(
        [sys.executable, "manage.py", "check_index"],
        cwd=REPO_DIR, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if check.returncode:
        print("bringing the cached archive's index up to date (once)", file=sys.stderr)
        _manage(env, "check_index", "--repair")
        _settle(env)


def _settle(env: dict[str, str]) -> None:
    """Merge the segments the import left, as an idle worker does after an import: every run
    then starts from a settled archive, and its worker has no merging of its own to do."""
    code = (
        "import django; django.setup()\n"
        "from search.indexing.worker import merge_when_idle\n"
        "while merge_when_idle(): pass\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_DIR, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"merging the index segments failed:\n{done.stderr}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Servers:
    """gunicorn and the worker as `make run` starts them, each in its own process group so that
    stopping reaches their children too (gunicorn's workers, the worker's import helper)."""

    def __init__(self, data_dir: Path, env: dict[str, str]):
        self.data_dir, self.env = data_dir, env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.processes: list[tuple[str, subprocess.Popen, int]] = []

    def _start(self, name: str, args: list[str], stop_signal: int) -> None:
        log = (self.data_dir / f"{name}.log").open("wb")
        process = subprocess.Popen(
            args,
            cwd=REPO_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append((name, process, stop_signal))

    def __enter__(self) -> Servers:
        # The worker stops cleanly on SIGINT (Ctrl-C under `make run`), gunicorn on SIGTERM.
        worker = [sys.executable, "manage.py", "worker"]
        self._start("worker", worker, signal.SIGINT)
        gunicorn = [sys.executable, "-m", "gunicorn", "arshif.wsgi", "--bind"]
        gunicorn += [f"127.0.0.1:{self.port}", "--access-logfile", "-", "--timeout", "60"]
        self._start("gunicorn", gunicorn, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/robots.txt", timeout=5):
                    return self
            except OSError as error:
                exited = any(p.poll() is not None for _, p, _ in self.processes)
                if exited or time.monotonic() > deadline:
                    self.__exit__(None, None, None)
                    log = self.data_dir / "gunicorn.log"
                    raise RuntimeError(f"the server did not start: see {log}") from error
                time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        for _, process, stop_signal in self.processes:
            if process.poll() is None:
                _signal_group(process, stop_signal)
        for _, process, _ in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
            # Whatever is left of the group (a worker that did not stop, a helper), killed.
            _signal_group(process, signal.SIGKILL)
            process.wait()
        self.processes.clear()

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) used so far by each server's live processes.

        Figures that another program on the machine does not inflate, unlike latencies: the
        CPU a request costs, and how much of the machine the servers got."""
        groups = {process.pid: name for name, process, _ in self.processes}
        used = dict.fromkeys(groups.values(), 0.0)
        ticks = os.sysconf("SC_CLK_TCK")
        for entry in Path("/proc").iterdir():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) in groups:  # the process group: the server and its children
                used[groups[int(fields[2])]] += (int(fields[11]) + int(fields[12])) / ticks
        return used

    def exited(self) -> list[str]:
        """The processes that stopped before they were told to."""
        return [
            f"{name} exited with status {process.returncode} (see {name}.log)"
            for name, process, _ in self.processes
            if process.poll() is not None
        ]

    def log_errors(self) -> list[str]:
        """The end of each traceback (and each worker timeout) in the servers' logs."""
        found = []
        for name in ("gunicorn", "worker"):
            path = self.data_dir / f"{name}.log"
            lines = path.read_text("utf-8", "replace").splitlines() if path.exists() else []
            for number, line in enumerate(lines):
                if "WORKER TIMEOUT" in line:
                    found.append(f"{name}: {line.strip()}")
                elif line.startswith("Traceback"):
                    end = number + 1
                    while end < len(lines) and lines[end].startswith(" "):
                        end += 1
                    block = [part.strip() for part in lines[max(number, end - 4) : end + 1]]
                    found.append(f"{name}: " + " | ".join(block))
        return found[:20]


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


# --- in-process Django: preparing the copy, waiting for the worker, reading the results -------


def prepare(data_dir: Path, editors: int, inline_kb: int) -> tuple[list[int], list[Editor]]:
    """Migrate and index the copy as `make run` would, collect static files, add the editors."""
    import django
    from django.core.management import call_command

    django.setup()
    # Django's logging set-up would print every request the client makes.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from django.contrib.auth import get_user_model

    from archive.models import Article

    call_command("migrate", interactive=False, verbosity=0)
    call_command("sync_index", stdout=io.StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)
    people = []
    for number in range(1, editors + 1):
        name, password = f"editor{number}", f"load-run-{number}-{os.getpid()}"
        get_user_model().objects.create_superuser(name, f"{name}@example.org", password)
        people.append(Editor(number, name, password, seed=number, inline_bytes=inline_kb * 1024))
    ids = list(Article.objects.values_list("pk", flat=True))
    from django.db import connections

    connections.close_all()
    return ids, people


def wait_drained(timeout: float) -> float | None:
    """Seconds until the index queue is empty and no import is queued or running (twice in a
    row, a second apart); None when the timeout passed first."""
    from django.db import connections

    from archive.models import ImportBatch
    from search.indexing.outbox import pending_count

    started = time.monotonic()
    quiet = 0
    while time.monotonic() - started < timeout:
        busy = ImportBatch.objects.filter(status__in=("queued", "running")).exists()
        quiet = quiet + 1 if not busy and pending_count() == 0 else 0
        connections.close_all()
        if quiet >= 2:
            return round(time.monotonic() - started, 1)
        time.sleep(1)
    return None


def database_and_index() -> dict:
    """What the checks compare: the database's articles and what the index holds."""
    from django.db.models import Count

    from archive.models import Article, ImportBatch
    from search.analysis.query import ParsedQuery
    from search.engine import get_engine, reset_engine
    from search.engine.contract import SearchRequest
    from search.indexing.consistency import check_index

    reset_engine()  # a fresh searcher: what the index holds now
    engine = get_engine()
    hits = engine.search(
        SearchRequest(query=ParsedQuery(), limit=0, facets=COMPARED_FACETS, match_all=True)
    )
    articles = Article.objects.all()
    database = {
        "source": articles.exclude(source=None).values_list("source__slug"),
        "language": articles.values_list("language"),
        "year": articles.exclude(published=None).values_list("published__year"),
    }
    uploaded: dict[str, list[int]] = {}
    for pk, title in articles.filter(title__startswith="zq").values_list("pk", "title"):
        uploaded.setdefault(title.split()[0], []).append(pk)
    failed_batches = list(
        ImportBatch.objects.filter(status="failed").values_list("pk", "error")[:20]
    )
    # Document by document: every article indexed once, as it is now, and nothing else.
    report = check_index()
    drift = [
        f"{what}: {', '.join(map(str, ids[:20]))}{' …' if len(ids) > 20 else ''}"
        for what, ids in (
            ("missing from the index", report.missing),
            ("stale in the index", report.stale),
            ("orphaned in the index", report.orphaned),
        )
        if ids
    ]
    if report.unreadable:
        drift.append(f"the index cannot be read: {report.unreadable}")
    elif not report.analysis_current:
        drift.append(f"the index was built by analysis version {report.analysis_version}")
    return {
        "index_drift": drift,
        "db_count": articles.count(),
        "index_count": engine.count(),
        "index_matched": hits.total,
        "db_facets": {
            name: {str(value): n for value, n in rows.annotate(n=Count("pk")).order_by()}
            for name, rows in database.items()
        },
        "index_facets": {name: dict(hits.facets.get(name, [])) for name in COMPARED_FACETS},
        "uploaded": uploaded,
        "failed_batches": [f"import #{pk}: {error}" for pk, error in failed_batches],
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    cache = cached_archive(args.cache_dir or default_cache_dir(), args.articles, args.seed)
    ready = time.perf_counter()
    data_dir = Path(tempfile.mkdtemp(prefix="arshif-load-"))
    env = clean_env(data_dir, args.inline_import_kb)
    for name in [k for k in os.environ if k.startswith(_ISOLATED_PREFIXES)]:
        del os.environ[name]
    os.environ.update(env)
    load_start = os.getloadavg()
    try:
        print(f"data dir {data_dir}", file=sys.stderr)
        shutil.copytree(cache, data_dir, dirs_exist_ok=True)
        article_ids, editors = prepare(data_dir, args.editors, args.inline_import_kb)
        print(f"copied and prepared in {time.perf_counter() - ready:.1f} s", file=sys.stderr)
        with Servers(data_dir, env) as servers:
            print(
                f"servers up in {time.perf_counter() - ready:.1f} s; {args.readers} readers, "
                f"{args.editors} editors, {args.duration:g} s on {len(article_ids)} articles "
                f"at {servers.base}",
                file=sys.stderr,
            )
            cpu_before, client_before = servers.cpu_seconds(), time.process_time()
            started = time.perf_counter()
            recorder = asyncio.run(
                run(
                    servers.base,
                    readers=args.readers,
                    editors=editors,
                    article_ids=article_ids,
                    seconds=args.duration,
                    max_requests=args.max_requests,
                )
            )
            elapsed = time.perf_counter() - started
            cpu = {
                name: round(used - cpu_before[name], 1)
                for name, used in servers.cpu_seconds().items()
            }
            cpu["load client"] = round(time.process_time() - client_before, 1)
            load_end = os.getloadavg()
            print(f"{len(recorder.samples)} requests; waiting for the worker", file=sys.stderr)
            drained = wait_drained(args.drain_timeout)
            print(f"drained in {drained} s; checking", file=sys.stderr)
            sent = {t: how for e in editors for t, how in e.sent.items()}
            found = {}
            if drained is not None:
                found = asyncio.run(search_tokens(servers.base, sorted(sent)))
            state = database_and_index()
            exited = servers.exited()
            server_log = servers.log_errors()
        checks = check(recorder, sent, found, state, drained)
        checks["exited"] = exited
        checks["server_log"] = server_log
        checks["ok"] = checks["ok"] and not exited
        result = {
            "articles": args.articles,
            "readers": args.readers,
            "editors": args.editors,
            "duration_s": args.duration,
            "elapsed_s": round(elapsed, 1),
            "gunicorn_workers": int(env["WEB_CONCURRENCY"]),
            "environment": {
                "cpus": os.cpu_count(),
                "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "load_before": [round(x, 2) for x in load_start],
                "load_after": [round(x, 2) for x in load_end],
                "git": _git_revision(),
            },
            "requests": summarise(recorder.samples, elapsed),
            "slowest": slowest(recorder.samples),
            "uploaded": {"articles": len(sent), "by": count_by(sent.values())},
            "drain_s": drained,
            # CPU seconds used during the load by gunicorn (all its workers), the worker and
            # this client; gunicorn's per request, whatever else the machine was doing.
            "cpu_s": cpu,
            "gunicorn_cpu_ms_per_request": round(
                cpu["gunicorn"] * 1000 / max(1, len(recorder.samples)), 1
            ),
            "checks": checks,
        }
        print(render(result))
        args.results_dir.mkdir(parents=True, exist_ok=True)
        out = args.results_dir / f"load-{args.articles}.json"
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(f"\nnumbers written to {out}")
        return 0 if checks["ok"] else 1
    finally:
        if args.keep:
            print(f"data dir kept: {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def _git_revision() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
