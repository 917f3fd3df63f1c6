"""The benchmark's article generator and query mix (pure), and one tiny run of the runner."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from archive.ingest.records import article_from_record
from search.bench import generator, vocabulary
from search.bench.generator import DATE_FIRST, DATE_LAST, generate, write_jsonl, write_jsonl_parts
from search.bench.queries import BROWSE, QUERY_MIX, queries
from search.bench.vocabulary import (
    ENGLISH_PHRASES,
    ENGLISH_WORDS,
    FUNCTION_WORDS,
    PHRASES,
    RARE_NAMES,
    SECTIONS,
    SOURCES,
    VOCABULARY,
)

ROOT = Path(__file__).resolve().parent.parent
CONTRACT_KEYS = {"title", "body", "url", "source", "section", "published", "language", "tags"}
HARAKAT = re.compile("[\u064b-\u0652]")
ARABIC_WORD = re.compile(r"^[\u0621-\u064a]+$")
RANK = {word: rank for rank, word in enumerate(VOCABULARY)}


@pytest.fixture(scope="module")
def sample():
    return list(generate(300, seed=11))


def _arabic_tokens(records):
    for record in records:
        if record["language"] == "ar":
            yield from re.findall(r"[^\s.،]+", record["title"] + " " + record["body"])


def test_same_seed_same_articles_and_a_longer_run_extends_a_shorter_one():
    assert list(generate(15, seed=3)) == list(generate(15, seed=3))
    assert list(generate(15, seed=3)) != list(generate(15, seed=4))
    assert list(generate(40, seed=3))[:15] == list(generate(15, seed=3))


def test_records_have_the_import_contract_shape(sample):
    urls = set()
    for record in sample:
        assert set(record) <= CONTRACT_KEYS
        assert {"title", "body", "url", "source", "section", "language", "tags"} <= set(record)
        assert record["title"].strip() and "\n" not in record["title"]
        assert "\n\n" in record["body"]
        assert re.match(r"^https?://\S+$", record["url"])
        urls.add(record["url"])
        assert record["source"] in {name for name, _, _ in SOURCES}
        assert record["section"] in SECTIONS
        assert record["language"] in {"ar", "en"}
        assert 0 <= len(record["tags"]) <= 3
        # The real import validation accepts every record.
        article_from_record(record)
    assert len(urls) == len(sample)


def test_bodies_are_about_five_hundred_words_and_a_tenth_is_english(sample):
    words = [len(record["body"].split()) for record in sample]
    assert 400 <= sum(words) / len(words) <= 650
    english = Counter(record["language"] for record in sample)["en"]
    assert 0.04 * len(sample) <= english <= 0.18 * len(sample)
    for record in sample:
        if record["language"] == "en":
            assert not re.search("[\u0600-\u06ff]", record["body"])


def test_dates_are_in_range_and_a_few_are_missing(sample):
    missing = 0
    for record in sample:
        value = record.get("published")
        if not value:
            missing += 1
            continue
        assert DATE_FIRST <= date.fromisoformat(value[:10]) <= DATE_LAST
    assert 1 <= missing <= 0.1 * len(sample)


def test_the_vocabulary_is_real_arabic_words_and_the_text_uses_it(sample):
    assert len(VOCABULARY) >= 1500
    assert len(set(VOCABULARY)) == len(VOCABULARY)
    assert all(ARABIC_WORD.match(word) for word in VOCABULARY)
    tokens = list(_arabic_tokens(sample))
    known = set(VOCABULARY) | set(FUNCTION_WORDS)
    # Unchanged vocabulary and function words; the rest carry clitics or spelling noise.
    assert sum(token in known for token in tokens) / len(tokens) > 0.4
    # Zipf: the commonest word is far more frequent than a word from the tail.
    counts = Counter(tokens)
    assert counts[VOCABULARY[0]] > 20 * max(1, counts[VOCABULARY[-1]])


def test_arabic_text_carries_diacritics_clitics_and_spelling_variants(sample):
    tokens = list(_arabic_tokens(sample))
    vocabulary = set(VOCABULARY)
    text = " ".join(tokens)
    assert len(HARAKAT.findall(text)) > 100
    assert "\u0651" in text  # shadda
    assert "\u0640" in text  # tatweel
    for clitic in ("وال", "بال", "لل", "ال"):
        assert any(t.startswith(clitic) and t[len(clitic) :] in vocabulary for t in tokens)
    for clitic in ("و", "ب", "ف"):
        assert any(t[0] == clitic and t[1:] in vocabulary and t not in vocabulary for t in tokens)
    # Hamza dropped (اكد for أكد) and added where there is none (إنتخابات).
    assert any(
        t not in vocabulary and any(t.replace("ا", h, 1) in vocabulary for h in "أإ")
        for t in tokens
    )
    # ة written ه, and ى/ي swapped.
    assert any(t.endswith("ه") and t[:-1] + "ة" in vocabulary for t in tokens)
    assert any(t.endswith("ي") and t[:-1] + "ى" in vocabulary for t in tokens)
    assert any(t.endswith("ى") and t[:-1] + "ي" in vocabulary for t in tokens)


def test_write_jsonl_writes_exactly_the_generated_records(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", 12, seed=5)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == list(generate(12, seed=5))
    # Arabic is written as text, not \u escapes: files stay a third of the size.
    assert "\\u06" not in lines[0]


def test_write_jsonl_parts_splits_into_numbered_files(tmp_path):
    paths = write_jsonl_parts(tmp_path, 20, seed=5, per_file=7)
    assert [p.name for p in paths] == [
        "articles-0001.jsonl",
        "articles-0002.jsonl",
        "articles-0003.jsonl",
    ]
    records = [json.loads(line) for p in paths for line in p.read_text("utf-8").splitlines()]
    assert [len(p.read_text("utf-8").splitlines()) for p in paths] == [7, 7, 6]
    assert records == list(generate(20, seed=5))


# --- the query mix ---------------------------------------------------------------------------------


def _fold_hamza(text: str) -> str:
    return text.translate({ord(ch): "ا" for ch in "أإآ"})


def _known(word: str) -> bool:
    return (
        word in RANK
        or word.removeprefix("ال") in RANK
        or word in ENGLISH_WORDS
        or word in RARE_NAMES
    )


def test_the_query_mix_covers_every_kind_of_query():
    mix = list(queries())
    assert 180 <= len(mix) <= 260
    assert {
        "word_common",
        "word_rare",
        "two_words",
        "phrase",
        "filter",
        "date_range",
        "or",
        "exclude",
        "prefix",
        "sorted",
        "browse",
        "browse_filtered",
    } <= set(QUERY_MIX)
    for category, params in mix:
        assert ("q" in params) == (category not in BROWSE), (category, params)
    assert any(p.get("sort") == "newest" for _, p in mix)
    assert any("from" in p and "to" in p for _, p in mix)
    for name in ("source", "section", "language", "year", "tag"):
        assert any(name in p and "q" in p for _, p in mix), name
        assert any(name in p and "q" not in p for _, p in mix), name


def test_query_words_come_from_the_generated_vocabulary():
    for word in (p["q"] for p in QUERY_MIX["word_common"] + QUERY_MIX["word_mid"]):
        assert _known(word), word
    common = [p["q"] for p in QUERY_MIX["word_common"] if p["q"] not in ENGLISH_WORDS]
    assert all(RANK.get(w, RANK.get(w.removeprefix("ال"), 10**6)) < 100 for w in common)
    assert all(RANK[p["q"]] > 1000 for p in QUERY_MIX["word_tail"])
    assert all(p["q"] in RARE_NAMES for p in QUERY_MIX["word_rare"])
    phrases = set(PHRASES) | set(ENGLISH_PHRASES)
    # A reader may type a phrase without its hamzas (الامم المتحدة).
    folded = {_fold_hamza(phrase) for phrase in phrases}
    for params in QUERY_MIX["phrase"]:
        quoted = re.findall(r'"([^"]+)"', params["q"])[0]
        assert _fold_hamza(quoted) in folded, quoted
    for params in QUERY_MIX["two_words"] + QUERY_MIX["or"] + QUERY_MIX["exclude"]:
        for word in re.findall(r"[^\s\"\-]+", params["q"]):
            if word not in ("OR", "أو"):
                assert _known(word) or any(word in p.split() for p in phrases), word


def test_source_filters_use_the_slugs_the_import_gives_the_sources():
    from django.utils.text import slugify

    slugs = {slugify(name, allow_unicode=True) for name, _, _ in SOURCES}
    for _, params in queries():
        values = params.get("source", [])
        for value in [values] if isinstance(values, str) else values:
            assert value in slugs
        for name in ("section",):
            values = params.get(name, [])
            assert set([values] if isinstance(values, str) else values) <= set(SECTIONS)


def test_generator_module_stays_free_of_django():
    for module in (generator, vocabulary):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+django", source, re.M)


# --- the runner -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_runner_imports_searches_and_prints_the_table(tmp_path):
    # 120 articles: enough for every page the mix asks for (browse page 5 needs 81).
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "search.bench",
            "--articles",
            "120",
            "--queries-repeat",
            "1",
            "--results-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        # The corpus and the FTS5 reference are cached here, not in the home folder.
        env={**os.environ, "ARSHIF_BENCH_CACHE": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    out = completed.stdout
    for line in (
        "import+index",
        "index tail",
        "all searches",
        "all browsing",
        "article pages",
        "importer peak",
        "web worker peak memory",
        "FTS5 p50",
    ):
        assert line in out, line
    for category in QUERY_MIX:
        assert re.search(rf"^{category}\s+\d+", out, re.M), category
    result = json.loads((tmp_path / "bench-120.json").read_text(encoding="utf-8"))
    assert result["import"]["articles"] == 120
    imported = result["import"]
    # Indexed by the second process during the import, or by the command after it.
    assert (imported["indexed_alongside"] or 0) + imported["tail_applied"] >= 120
    assert result["search"]["problems"] == []
    assert result["search"]["search"]["n"] > 150
    assert not list(tmp_path.glob("*.prof"))
    # The FTS5 reference answered the same mix; memory and segments were measured per process.
    assert set(result["reference"]["categories"]) == set(QUERY_MIX)
    assert result["reference"]["categories"]["word_common"]["median_hits"] > 0
    assert result["import"]["importer_peak_mb"] > 0
    assert result["search"]["web_worker_peak_mb"] > 0
    assert result["import"]["index"]["segments"] >= 1
    assert result["idle_merges"]["index_worker_peak_mb"] > 0
    # The corpus was cached, and a second run with --reuse times only the queries.
    assert result["generate"]["cached"] is False
    again = subprocess.run(
        [sys.executable, "-m", "search.bench", "--articles", "120", "--queries-repeat", "1",
         "--results-dir", str(tmp_path), "--reuse"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "ARSHIF_BENCH_CACHE": str(tmp_path / "cache")},
    )  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    second = json.loads((tmp_path / "bench-120.json").read_text(encoding="utf-8"))
    assert second["generate"]["cached"] is True
    assert second["reused_archive"] is False  # the first run kept no archive
    third = subprocess.run(
        [sys.executable, "-m", "search.bench", "--articles", "120", "--queries-repeat", "1",
         "--results-dir", str(tmp_path), "--reuse", "--no-reference"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "ARSHIF_BENCH_CACHE": str(tmp_path / "cache")},
    )  # fmt: skip
    assert third.returncode == 0, third.stdout + third.stderr
    assert "--reuse" in third.stdout and "not run (a reused archive" in third.stdout
    third_result = json.loads((tmp_path / "bench-120.json").read_text(encoding="utf-8"))
    assert third_result["reused_archive"] is True
    assert third_result["search"]["search"]["n"] > 150


def test_some_articles_are_near_duplicates_of_recent_ones_as_in_real_archives():
    from archive.ingest.neardup import THRESHOLD, jaccard, shingles

    records = list(generate(400, seed=2))
    bodies = [shingles(record["body"]) for record in records]
    linked = rewrites = 0
    for number in range(1, len(records)):
        recent = range(max(0, number - generator.RECENT_KEPT), number)
        best = max(jaccard(bodies[number], bodies[other]) for other in recent)
        if best >= THRESHOLD:
            linked += 1
        elif best >= 0.2:
            rewrites += 1  # a candidate the importer must check and turn down
    assert 0.02 * len(records) <= linked <= 0.08 * len(records)
    assert 0.01 * len(records) <= rewrites <= 0.08 * len(records)
    # A copy comes from another source, under its own URL.
    assert len({record["url"] for record in records}) == len(records)


def test_the_vocabulary_keeps_growing_like_real_text_and_names_are_dense(sample):
    tokens = list(_arabic_tokens(sample))
    # Version 1 drew every Arabic word from ~2,000: real news keeps meeting new forms.
    assert len(set(tokens)) > 2.5 * len(VOCABULARY)
    names = set(vocabulary.PLACES.split()) | set(vocabulary.ACTORS.split())
    mentions = sum(token in names or token[1:] in names for token in tokens)
    assert mentions / len(tokens) > 0.03
