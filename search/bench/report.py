"""The benchmark's report: the table `python -m search.bench` prints, and the targets it judges.

__main__.py runs the phases and gathers their numbers into one result dict (also written as
bench-N.json); this module only turns that dict into the text table, so what is printed can be
read and changed apart from how it is measured. Pure formatting: no Django, no project imports.
"""

from __future__ import annotations

# Targets of the benchmark issue, for 10k articles on a 2-core machine.
SEARCH_P95_TARGET_MS = 100.0
BROWSE_P95_TARGET_MS = 50.0
IMPORT_RATE_TARGET = 100.0


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _latency(row: dict) -> str:
    return (
        f"{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['max_ms']:>9.1f}"
        f"{row['cpu_p50_ms']:>9.1f}{row['cpu_p95_ms']:>9.1f}"
    )


def _merges(merged: dict) -> list[str]:
    lines = [
        f"idle merges    {merged['segments_before']} index segments after the import, "
        f"{merged['segments_after']} after {merged['merges']} merge(s) of "
        f"{merged['articles_merged']:,} articles run as the idle worker runs them: "
        f"{merged['seconds']:.1f} s (not part of import+index: the articles were searchable "
        "before)"
    ]
    if "search" in merged:
        after = merged["search"]
        lines.append(
            f"  then         searches p50 {after['search']['p50_ms']:.1f} / p95 "
            f"{after['search']['p95_ms']:.1f} ms, browsing p50 {after['browse']['p50_ms']:.1f} / "
            f"p95 {after['browse']['p95_ms']:.1f} ms (1 timed pass)"
        )
    return [*lines, ""]


def render(result: dict) -> str:
    gen, imp, search = result["generate"], result["import"], result["search"]
    env = result["environment"]
    lines = [
        f"Arshif benchmark: {result['articles']:,} articles, seed {result['seed']}, "
        f"{env['cpus']} CPUs, Python {env['python']}, git {env['git'] or '?'}, {env['when']}",
        "",
        f"generate       {gen['words'] / 1e6:.2f} M words, {gen['megabytes']:.1f} MB JSONL "
        f"in {gen['files']} files, {gen['seconds']:.1f} s",
        f"import+index   {imp['articles']:,} articles in {imp['seconds']:.1f} s = "
        f"{imp['articles_per_s']:.1f} articles/s   [target >= {IMPORT_RATE_TARGET:.0f}/s: "
        f"{_verdict(imp['articles_per_s'] >= IMPORT_RATE_TARGET)}]",
        f"  store        {imp['store_seconds']:.1f} s ({imp['store_articles_per_s']} articles/s)"
        "  parse, dedup, tag, store (committed 50 at a time)"
        + (
            f"; {imp['indexed_alongside']:,} indexed meanwhile by a second process"
            if imp.get("indexed_alongside") is not None
            else "; no second process (one core?)"
        ),
        f"  index tail   {imp['tail_seconds']:.1f} s  indexing what was left when storing ended"
        f" ({imp['tail_applied']:,} applied by the command itself)",
        f"  command says {imp['summary']}"
        + (
            f"; gazetteer of {imp['gazetteer_entities']} entities"
            if imp.get("gazetteer_entities")
            else ""
        ),
        f"on disk        database {result['disk']['database_mb']:.1f} MB, "
        f"index {result['disk']['index_mb']:.1f} MB",
        "",
        f"search latency through GET /api/search ({search['queries']} queries, 1 warm-up pass, "
        f"{search['repeat']} timed passes)",
        f"{'category':<16}{'queries':>8}{'hits p50':>10}{'0 hits':>8}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'cpu p50':>9}{'cpu p95':>9}",
    ]
    for category, row in search["categories"].items():
        lines.append(
            f"{category:<16}{row['queries']:>8}{row['median_hits']:>10}{row['zero_hits']:>8}"
            + _latency(row)
        )
    all_search, browse = search["search"], search["browse"]
    lines += [
        "-" * 87,
        f"{'all searches':<42}{_latency(all_search)}  [p95 <= {SEARCH_P95_TARGET_MS:.0f}: "
        f"{_verdict(all_search['p95_ms'] <= SEARCH_P95_TARGET_MS)}]",
        f"{'all browsing':<42}{_latency(browse)}  [p95 <= {BROWSE_P95_TARGET_MS:.0f}: "
        f"{_verdict(browse['p95_ms'] <= BROWSE_P95_TARGET_MS)}]",
        f"first request after the import (cold searcher): {search['cold_first_request_ms']:.0f} ms",
        "",
        *_merges(result["idle_merges"]),
        f"machine load   1-min load average {env['load_start']:.1f} at start, "
        f"{env['load_end']:.1f} at end; this process had {imp['cpu_share']:.0%} of a core "
        f"while importing, {search['cpu_share']:.0%} while searching",
        "               (well under 100% means other processes competed: wall times are inflated;"
        " the cpu columns much less so)",
        "peak memory (maxrss)  "
        + ", ".join(f"{k} {v:.0f} MB" for k, v in result["memory_mb"].items()),
    ]
    empty = [
        f"  {category}: {params}"
        for category, entries in search["unexpected_zero_hits"].items()
        for params in entries
    ]
    if empty:
        lines.append(f"queries that found nothing ({len(empty)}; all are in the JSON):")
        lines.extend(empty[:12])
        if len(empty) > 12:
            lines.append(f"  … and {len(empty) - 12} more")
    if search["problems"] or imp["errors"]:
        lines.append("PROBLEMS:")
        lines.extend(f"  {p}" for p in imp["errors"] + search["problems"])
    return "\n".join(lines)
