"""The benchmark's reference: the same documents and queries in an SQLite FTS5 table.

What a well-known, compiled full-text engine does with the same work on the same machine, as a
yardstick for Arshif's numbers (issue 14). Both index the same terms: the text is analysed here
with search.analysis, as the engines analyse it, and the analysed tokens are what FTS5 indexes
(its `ascii` tokenizer keeps every non-ASCII character in a token, so an Arabic term stays one
token). Columns: `text` the primary stems of title and body (with positions: phrases), `title`
the title's stems (weighted up, as Arshif's title boost), `exact` the unstemmed normalised forms
(exact matches and prefixes). Filters and the facet are plain tables beside it.

Each query of the mix becomes, as the issue asks: the top 20 (by FTS5's bm25, or by date), the
exact count, and one facet's counts (GROUP BY source), the same three answers Arshif's search
gives (it gives every facet, and highlights the page: the reference does less work, which the
ratio includes). A word is its stems in text or title, or its exact form; a phrase its stems in
order; a prefix its unstemmed forms; `-` is NOT. No alias expansion (Arshif also matches the
other names of a gazetteer entity).

Pure Python and sqlite3, no Django. The table is built once per corpus and cached beside it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from search.analysis import arabic
from search.analysis.query import Clause, ParsedQuery, parse_query
from search.bench import queries as query_mix
from search.bench.phases import summarise

PAGE = 20
# bm25 weights of the columns text, title, exact.
WEIGHTS = (1.0, 2.0, 0.5)
FACET = "source"

SCHEMA = """
CREATE VIRTUAL TABLE docs USING fts5(text, title, exact, tokenize = 'ascii');
CREATE TABLE meta(
    id INTEGER PRIMARY KEY, source TEXT, section TEXT, language TEXT, year TEXT, day INTEGER
);
CREATE TABLE tags(id INTEGER, tag TEXT);
"""
INDEXES = """
CREATE INDEX tags_tag ON tags(tag, id);
CREATE INDEX meta_day ON meta(day, id);
CREATE INDEX meta_source ON meta(source);
"""


def _slug(name: str) -> str:
    """The source slug the import gives a name (Django's slugify with allow_unicode, for the
    generator's names: lower case, spaces to hyphens)."""
    return "-".join(name.lower().split())


def _day(published: str | None) -> int:
    return int(published[:10].replace("-", "")) if published else 0


def build(files: list[Path], path: Path) -> dict:
    """Index the corpus's files into a new FTS5 database at `path` (written aside, renamed)."""
    started = time.perf_counter()
    fd, partial = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    os.close(fd)
    try:
        db = sqlite3.connect(partial)
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA)
        number = 0
        for file in files:
            rows, metas, tags = [], [], []
            with file.open(encoding="utf-8") as handle:
                for line in handle:
                    record = json.loads(line)
                    number += 1
                    exact = arabic.analyze_exact(record["title"] + "\n" + record["body"])
                    stems = [arabic.term_stems(term)[0] for term in exact]
                    rows.append(
                        (
                            number,
                            " ".join(stems),
                            " ".join(arabic.analyze(record["title"])),
                            " ".join(exact),
                        )
                    )
                    published = record.get("published") or None
                    metas.append(
                        (
                            number,
                            _slug(record["source"]),
                            record["section"],
                            record["language"],
                            published[:4] if published else None,
                            _day(published),
                        )
                    )
                    tags.extend((number, tag) for tag in record["tags"])
            db.executemany("INSERT INTO docs(rowid, text, title, exact) VALUES (?,?,?,?)", rows)
            db.executemany("INSERT INTO meta VALUES (?,?,?,?,?,?)", metas)
            db.executemany("INSERT INTO tags VALUES (?,?)", tags)
            db.commit()
        db.executescript(INDEXES + "INSERT INTO docs(docs) VALUES ('optimize');")
        db.commit()
        db.close()
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return {
        "documents": number,
        "seconds": round(time.perf_counter() - started, 1),
        "megabytes": round(path.stat().st_size / 1048576, 1),
    }


# --- queries ------------------------------------------------------------------------------------


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _clause(clause: Clause) -> str:
    if clause.kind == "phrase":
        return "text : " + _quoted(" ".join(word.stems[0] for word in clause.words))
    if clause.kind == "prefix":
        forms = arabic.prefix_forms(clause.words[0].exact)
        return "exact : (" + " OR ".join(_quoted(form) + " *" for form in forms) + ")"
    word = clause.words[0]
    stems = " OR ".join(_quoted(stem) for stem in word.stems)
    return f"({{text title}} : ({stems}) OR exact : {_quoted(word.exact)})"


def match_expression(parsed: ParsedQuery) -> str | None:
    """The FTS5 MATCH expression of a parsed query; None when it has no positive clause."""
    groups = ["(" + " OR ".join(_clause(c) for c in group) + ")" for group in parsed.groups]
    if not groups:
        return None
    expression = " AND ".join(groups)
    for clause in parsed.excluded:
        expression = f"({expression}) NOT {_clause(clause)}"
    return expression


def _values(params: dict, name: str) -> list[str]:
    value = params.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def _filters(params: dict) -> tuple[str, list]:
    where, args = [], []
    for name in ("source", "section", "language", "year"):
        values = _values(params, name)
        if values:
            where.append(f"meta.{name} IN ({','.join('?' * len(values))})")
            args += values
    tags = _values(params, "tag")
    if tags:
        where.append(f"meta.id IN (SELECT id FROM tags WHERE tag IN ({','.join('?' * len(tags))}))")
        args += tags
    if "from" in params:
        where.append("meta.day >= ?")
        args.append(_day(params["from"]))
    if "to" in params:
        where.append("meta.day BETWEEN 1 AND ?")
        args.append(_day(params["to"]))
    return (" AND ".join(where) or "1"), args


def search(db: sqlite3.Connection, params: dict) -> tuple[list[int], int, list]:
    """(page of ids, exact count, facet counts) for one query of the mix."""
    where, args = _filters(params)
    offset = (int(params.get("page", "1")) - 1) * PAGE
    sort = params.get("sort", "relevance")
    by_date = "meta.day ASC, meta.id ASC" if sort == "oldest" else "meta.day DESC, meta.id DESC"
    expression = match_expression(parse_query(params.get("q", "")))
    if expression is None:  # browsing (or nothing left after analysis): the filters alone
        source = "meta"
        order = by_date
        match_args: list = []
    else:
        source = "docs JOIN meta ON meta.id = docs.rowid"
        where = f"docs MATCH ? AND {where}"
        match_args = [expression]
        weights = ", ".join(map(str, WEIGHTS))
        order = by_date if sort in ("newest", "oldest") else f"bm25(docs, {weights}), meta.id"
    page = [
        row[0]
        for row in db.execute(
            f"SELECT meta.id FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*match_args, *args, PAGE, offset],
        )
    ]
    (count,) = db.execute(f"SELECT count(*) FROM {source} WHERE {where}", [*match_args, *args])
    facet = db.execute(
        f"SELECT meta.{FACET}, count(*) FROM {source} WHERE {where} GROUP BY meta.{FACET}",
        [*match_args, *args],
    ).fetchall()
    return page, count[0], facet


def run(path: Path, repeat: int) -> dict:
    """The query mix against the FTS5 database: one warm-up pass, `repeat` timed passes."""
    db = sqlite3.connect(path)
    mix = list(query_mix.queries())
    hits: dict[str, list[int]] = {}
    for category, params in mix:
        hits.setdefault(category, []).append(search(db, params)[1])
    samples: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for _ in range(repeat):
        for category, params in mix:
            started, cpu_started = time.perf_counter(), time.process_time()
            search(db, params)
            samples.setdefault(category, []).append((time.perf_counter() - started) * 1000)
            cpu.setdefault(category, []).append((time.process_time() - cpu_started) * 1000)
    db.close()
    categories = {
        category: {
            **summarise(values, cpu[category]),
            "median_hits": sorted(hits[category])[len(hits[category]) // 2],
        }
        for category, values in samples.items()
    }

    def pooled(source, browse):
        return [
            ms
            for category, values in source.items()
            if (category in query_mix.BROWSE) == browse
            for ms in values
        ]

    return {
        "categories": categories,
        "search": summarise(pooled(samples, False), pooled(cpu, False)),
        "browse": summarise(pooled(samples, True), pooled(cpu, True)),
    }
