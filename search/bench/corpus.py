"""The benchmark's corpus and reusable archives, cached outside the repository.

Generating 100,000 articles takes minutes, and importing them most of an hour on two cores: a
run keeps both under the cache folder (ARSHIF_BENCH_CACHE, default ~/.cache/arshif-bench), keyed
by what makes them what they are, so the next run of the same size starts from them:

- `corpus-n<N>-s<seed>-g<generator version>/`: the JSONL files, written once and reused by
  every later run of that size (the generator is deterministic for a seed);
- `archive-<engine>-n<N>-s<seed>-g<version>-a<analysis version>/`: with --reuse, the data dir
  of an imported archive (database, index), reused by later --reuse runs, which then time only
  the queries.

Pure Python, no Django: the runner (__main__.py) decides, the phases (phases.py) do the work.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from search.analysis import ANALYSIS_VERSION
from search.bench import generator

CACHE_VARIABLE = "ARSHIF_BENCH_CACHE"
ARTICLES_PER_FILE = 1000
# Written last into a finished corpus folder, and into an archive once its import ended.
DONE = "done.json"
# The corpus's JSONL files, in this subfolder (an import of the folder reads nothing else).
FILES = "jsonl"


def cache_dir() -> Path:
    given = os.environ.get(CACHE_VARIABLE)
    if given:
        return Path(given).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "arshif-bench"


def corpus_key(articles: int, seed: int) -> str:
    return f"corpus-n{articles}-s{seed}-g{generator.GENERATOR_VERSION}"


def archive_key(engine: str, articles: int, seed: int) -> str:
    return (
        f"archive-{engine}-n{articles}-s{seed}-g{generator.GENERATOR_VERSION}-a{ANALYSIS_VERSION}"
    )


def corpus(articles: int, seed: int, cache: Path | None = None) -> tuple[Path, dict]:
    """The corpus folder for (articles, seed) (its JSONL files in FILES), generated now unless
    cached, and what it holds (files, megabytes, words, seconds it took, whether cached)."""
    cache = cache or cache_dir()
    folder = cache / corpus_key(articles, seed)
    done = folder / DONE
    if done.exists():
        return folder, {**json.loads(done.read_text("utf-8")), "cached": True}
    cache.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: an interrupted run leaves no half corpus under the key.
    partial = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=cache))
    try:
        started = time.perf_counter()
        paths = generator.write_jsonl_parts(
            partial / FILES, articles, seed, per_file=ARTICLES_PER_FILE
        )
        seconds = time.perf_counter() - started
        words = 0
        for path in paths:
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    record = json.loads(line)
                    words += len(record["title"].split()) + len(record["body"].split())
        about = {
            "files": len(paths),
            "seconds": round(seconds, 2),
            "megabytes": round(sum(p.stat().st_size for p in paths) / 1048576, 1),
            "words": words,
            "generator_version": generator.GENERATOR_VERSION,
        }
        (partial / DONE).write_text(json.dumps(about) + "\n", "utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(partial, folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder, {**about, "cached": False}


def jsonl_files(folder: Path) -> list[Path]:
    return sorted((folder / FILES).glob("*.jsonl"))


def finished_import(data_dir: Path) -> dict | None:
    """What the import into a reusable archive reported, or None if it never finished."""
    done = data_dir / DONE
    return json.loads(done.read_text("utf-8")) if done.exists() else None


def mark_imported(data_dir: Path, imported: dict) -> None:
    (data_dir / DONE).write_text(json.dumps(imported, ensure_ascii=False) + "\n", "utf-8")
