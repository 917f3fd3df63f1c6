"""The load run's figures and checks, from what was recorded. Pure functions: no Django, no I/O."""

from __future__ import annotations

import math
from urllib.parse import unquote


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile: every reported value was observed."""
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


def summarise(samples, elapsed: float) -> dict:
    """Per kind of request (and in all): count, requests/s, p50/p95/p99/max in ms, and how
    many answered 4xx, 5xx or not at all."""
    kinds: dict[str, list] = {}
    for sample in samples:
        kinds.setdefault(sample.kind, []).append(sample)
    table = {kind: _figures(rows, elapsed) for kind, rows in sorted(kinds.items())}
    if samples:
        table["all"] = _figures(list(samples), elapsed)
    return table


def slowest(samples, n: int = 10) -> list[str]:
    """The n slowest requests, slowest first: where to look first."""
    rows = sorted(samples, key=lambda row: row.ms, reverse=True)[:n]
    return [f"{row.ms:.0f} ms {row.status} {row.kind} {unquote(row.url)}" for row in rows]


def _figures(rows, elapsed: float) -> dict:
    ms = [row.ms for row in rows]
    return {
        "n": len(rows),
        "rps": round(len(rows) / elapsed, 1) if elapsed else None,
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "max_ms": round(max(ms), 1),
        "4xx": sum(1 for row in rows if 400 <= row.status < 500),
        "5xx": sum(1 for row in rows if row.status >= 500),
        "no_answer": sum(1 for row in rows if row.status == 0),
    }


def count_by(values) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def check(recorder, sent: dict[str, str], found: dict[str, list[int]], state: dict, drained):
    """Every check of the run; "ok" only when each list is empty.

    sent: token → how the editor sent it (only what the site said it saved);
    found: token → the ids /api/search found for it after the drain;
    state: the database and the index (load.database_and_index).
    """
    server_errors = [
        f"{s.status} {s.kind} {s.url}: {' '.join(s.detail.split())[:200]}"
        for s in recorder.samples
        if s.status >= 500
    ]
    no_answer = [f"{s.kind} {s.url}: {s.detail}" for s in recorder.samples if s.status == 0]
    uploaded = state["uploaded"]
    lost = sorted(f"{t} ({how})" for t, how in sent.items() if t not in uploaded)
    doubled = sorted(f"{t}: ids {ids}" for t, ids in uploaded.items() if len(ids) > 1)
    unexpected = sorted(f"{t}: ids {ids}" for t, ids in uploaded.items() if t not in sent)
    unsearchable = []
    if drained is not None:
        for t in sorted(sent):
            expected = uploaded.get(t, [])
            if found.get(t) != expected[:1] or len(expected) != 1:
                unsearchable.append(f"{t}: search found {found.get(t)}, database has {expected}")
    disagree = list(state.get("index_drift", []))
    db_count, index_count = state["db_count"], state["index_count"]
    if index_count != db_count or state["index_matched"] != db_count:
        disagree.append(
            f"database {db_count} articles, index {index_count} documents "
            f"({state['index_matched']} live)"
        )
    for name, db_counts in state["db_facets"].items():
        index_counts = state["index_facets"].get(name, {})
        for value in sorted(set(db_counts) | set(index_counts)):
            if db_counts.get(value, 0) != index_counts.get(value, 0):
                disagree.append(
                    f"{name} {value}: database {db_counts.get(value, 0)}, "
                    f"index {index_counts.get(value, 0)}"
                )
    result = {
        "server_errors": server_errors,
        "no_answer": no_answer,
        "editor_problems": list(recorder.problems),
        "failed_imports": state["failed_batches"],
        "not_drained": [] if drained is not None else ["the worker did not drain in time"],
        "lost": lost,
        "doubled": doubled,
        "unexpected": unexpected,
        "unsearchable": unsearchable,
        "database_vs_index": disagree,
        "database_articles": db_count,
        "index_documents": index_count,
    }
    result["ok"] = not any(
        result[key]
        for key in (
            "server_errors",
            "no_answer",
            "editor_problems",
            "failed_imports",
            "not_drained",
            "lost",
            "doubled",
            "unexpected",
            "unsearchable",
            "database_vs_index",
        )
    )
    return result


def render(result: dict) -> str:
    env = result["environment"]
    lines = [
        f"Load run: {result['articles']} articles, {result['readers']} readers, "
        f"{result['editors']} editors, {result['elapsed_s']} s, "
        f"gunicorn {result['gunicorn_workers']} workers, {env['cpus']} CPUs, "
        f"load {env['load_before'][0]} → {env['load_after'][0]} ({env['git']})",
        "",
        f"{'request':<16}{'n':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'4xx':>6}{'5xx':>6}{'none':>6}",
    ]
    for kind, row in result["requests"].items():
        lines.append(
            f"{kind:<16}{row['n']:>7}{row['rps']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}"
            f"{row['p99_ms']:>9}{row['max_ms']:>9}{row['4xx']:>6}{row['5xx']:>6}"
            f"{row['no_answer']:>6}"
        )
    checks = result["checks"]
    cpu = ", ".join(f"{name} {seconds} s" for name, seconds in result["cpu_s"].items())
    by = ", ".join(f"{n} by {how}" for how, n in sorted(result["uploaded"]["by"].items()))
    lines += [
        "",
        f"CPU used meanwhile: {cpu} on {env['cpus']} CPUs over {result['elapsed_s']} s; "
        f"gunicorn {result['gunicorn_cpu_ms_per_request']} ms a request",
        f"editors saved {result['uploaded']['articles']} articles ({by or 'none'}); "
        f"worker drained in {result['drain_s']} s",
        f"database {checks['database_articles']} articles, "
        f"index {checks['index_documents']} documents",
    ]
    for key, label in (
        ("server_errors", "5xx answers"),
        ("no_answer", "requests without an answer"),
        ("editor_problems", "editor problems"),
        ("failed_imports", "failed imports"),
        ("not_drained", "worker"),
        ("lost", "lost articles"),
        ("doubled", "doubled articles"),
        ("unexpected", "articles saved without the editor being told"),
        ("unsearchable", "uploaded articles a search does not find once"),
        ("database_vs_index", "database and index disagree"),
        ("exited", "servers that stopped on their own"),
    ):
        entries = checks.get(key) or []
        if entries:
            lines.append(f"FAIL {label} ({len(entries)}):")
            lines += [f"  {entry}" for entry in entries[:20]]
    lines.append("slowest requests:")
    lines += [f"  {entry}" for entry in result["slowest"][:5]]
    if checks.get("server_log"):
        lines.append("gunicorn's log says:")
        lines += [f"  {entry}" for entry in checks["server_log"]]
    lines.append("all checks passed" if checks["ok"] else "CHECKS FAILED")
    return "\n".join(lines)
