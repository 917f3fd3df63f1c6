"""The PostgreSQL engine's SQL: every read and write of its tables, through one psycopg cursor.

Longer than the project's 500 lines on purpose: every statement on these tables is kept in one
place, beside the layout it depends on, so a change of layout is one module's change.

The tables (created by search/migrations/0003_postgres_engine.py):
- search_pg_document: one row per document: date, field lengths, facet values (text[] with
  GIN indexes, for filters, facet counts and entity clauses);
- search_pg_posting: the inverted index, one row per (field, term, document) with the term's
  frequency, the document's field length and date (in the primary key's leaves: a term's
  postings are one index range, read without visiting the table) and, for the stemmed text,
  the term's positions (phrases); an index on article_id finds a document's rows to replace;
- search_pg_lexicon: each exact form held and in how many documents (prefixes, suggestions);
- search_pg_totals: one row, N and the summed stored field lengths (idf, average lengths).
Everything a search needs comes from these in a handful of statements; large results (postings,
every document) come back packed in one bytea each and are read straight into numpy arrays.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from psycopg import sql

from search.analysis import ANALYSIS_VERSION
from search.engine.contract import FACETS
from search.engine.ordering import UNKNOWN_DAY_LAST
from search.engine.postgres.documents import EXACT, TEXT, DocumentRows, indexable
from search.engine.postgres.scoring import stored_length

DOCUMENT = sql.Identifier("search_pg_document")
POSTING = sql.Identifier("search_pg_posting")
LEXICON = sql.Identifier("search_pg_lexicon")
TOTALS = sql.Identifier("search_pg_totals")
TABLES = ("search_pg_document", "search_pg_posting", "search_pg_lexicon", "search_pg_totals")
# Every writer of this engine's tables takes this transaction-level advisory lock first: one
# batch at a time, so the lexicon and totals always add up (whichever process writes).
WRITE_LOCK = 0x61727368_69665047  # "arshifPG"

_EMPTY_IDS = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Totals:
    documents: int
    text_length: int  # summed stored lengths (scoring.stored_length) of the documents held
    title_length: int
    exact_length: int
    generation: int  # a new value with every change (see the migration)

    def length(self, field: int) -> int:
        return (self.text_length, self.title_length, self.exact_length)[field]


@dataclass(frozen=True)
class Postings:
    """A term's postings, by article id (ascending): frequency, field length, date."""

    ids: np.ndarray
    tf: np.ndarray
    lengths: np.ndarray
    days: np.ndarray


EMPTY_POSTINGS = Postings(_EMPTY_IDS, _EMPTY_IDS, _EMPTY_IDS, _EMPTY_IDS)


# Postings and document lists come back packed, one bytea per term (int8send and int4send:
# big-endian), and are read straight into numpy: no Python object per posting.
_POSTING = np.dtype([("id", ">i8"), ("tf", ">i4"), ("length", ">i4"), ("day", ">i4")])
_DATED = np.dtype([("id", ">i8"), ("day", ">i4")])
_COUNTED = np.dtype([("id", ">i8"), ("count", ">i4")])
_PACKED_POSTING = sql.SQL(
    "string_agg(int8send(p.article_id) || int4send(p.tf) || int4send(p.length)"
    " || int4send(p.day), ''::bytea ORDER BY p.article_id)"
)
_PACKED_DATED = sql.SQL(
    "string_agg(int8send(d.article_id) || int4send(d.day), ''::bytea ORDER BY d.article_id)"
)


def _unpacked(blob: bytes | None, layout: np.dtype) -> np.ndarray:
    return np.frombuffer(blob, dtype=layout) if blob else np.zeros(0, dtype=layout)


# COPY's text format: a backslash, tab, newline or carriage return in a value is escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _posting_lines(row: DocumentRows):
    """The document's postings as lines of COPY's text format (a row at a time through
    psycopg's binary COPY costs several times more, mostly in adapting positions)."""
    lengths = (row.text_length, row.title_length, row.exact_length)
    tail = [f"\t{row.id}\t{{}}\t{length}\t{row.day}\t" for length in lengths]
    for field, term, tf, positions in row.postings():
        blob = "\\N" if positions is None else "\\\\x" + encode_positions(positions).hex()
        yield f"{field}\t{term.translate(_COPY_ESCAPES)}{tail[field].format(tf)}{blob}\n"


def encode_positions(positions: list[int]) -> bytes:
    return struct.pack(f"<{len(positions)}i", *positions)


def decode_positions(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<i4").astype(np.int64)


def _upper_bound(prefix: str) -> str | None:
    """The smallest string above every string starting with `prefix` (code-point order), or
    None if there is none."""
    while prefix:
        code = ord(prefix[-1]) + 1
        if 0xD800 <= code <= 0xDFFF:  # surrogates are not characters: skip them
            code = 0xE000
        if code <= 0x10FFFF:
            return prefix[:-1] + chr(code)
        prefix = prefix[:-1]
    return None


class Store:
    """This engine's tables seen through one cursor (and so one transaction)."""

    def __init__(self, cursor):
        self.cursor = cursor

    # --- reading ----------------------------------------------------------------------------

    def totals(self) -> Totals:
        self.cursor.execute(
            sql.SQL(
                "SELECT documents, text_length, title_length, exact_length, generation FROM {}"
            ).format(TOTALS)
        )
        return Totals(*self.cursor.fetchone())

    def postings(self, keys: Sequence[tuple[int, str]]) -> dict[tuple[int, str], Postings]:
        """The postings of each (field, term)."""
        found = dict.fromkeys(keys, EMPTY_POSTINGS)
        wanted = [key for key in found if indexable(key[1])]
        if not wanted:
            return found
        self.cursor.execute(
            sql.SQL(
                "SELECT k.n, {packed} FROM unnest(%s::smallint[], %s::text[])"
                " WITH ORDINALITY AS k(field, term, n)"
                ' JOIN {posting} p ON p.field = k.field AND p.term = k.term COLLATE "C"'
                " GROUP BY k.n"
            ).format(packed=_PACKED_POSTING, posting=POSTING),
            [[field for field, _ in wanted], [term for _, term in wanted]],
        )
        for number, blob in self.cursor.fetchall():
            rows = _unpacked(blob, _POSTING)
            found[wanted[number - 1]] = Postings(
                rows["id"].astype(np.int64),
                rows["tf"].astype(np.int64),
                rows["length"].astype(np.int64),
                rows["day"].astype(np.int64),
            )
        return found

    def tagged(self, entities: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Postings]:
        """The documents tagged with each (facet, value), by article id, with their dates."""
        found = {}
        for kind, key in entities:
            if kind not in FACETS:
                found[kind, key] = EMPTY_POSTINGS
                continue
            self.cursor.execute(
                sql.SQL("SELECT {packed} FROM {document} d WHERE d.{facet} @> %s::text[]").format(
                    packed=_PACKED_DATED, document=DOCUMENT, facet=sql.Identifier(kind)
                ),
                [[key]],
            )
            rows = _unpacked(self.cursor.fetchone()[0], _DATED)
            ids = rows["id"].astype(np.int64)
            ones = np.ones(len(ids), dtype=np.int64)
            found[kind, key] = Postings(ids, ones, ones, rows["day"].astype(np.int64))
        return found

    def all_documents(self) -> tuple[np.ndarray, np.ndarray]:
        """Every document's article id (ascending) and date."""
        self.cursor.execute(
            sql.SQL("SELECT {packed} FROM {document} d").format(
                packed=_PACKED_DATED, document=DOCUMENT
            )
        )
        rows = _unpacked(self.cursor.fetchone()[0], _DATED)
        return rows["id"].astype(np.int64), rows["day"].astype(np.int64)

    def positions(
        self, stems: Sequence[str], ids: np.ndarray
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """stem → (article id of each position, position) of the stem in the text of these
        documents (ids ascending), ordered by document."""
        found = {stem: (_EMPTY_IDS, _EMPTY_IDS) for stem in stems}
        # `article_id + 0`: the ids filter the stem's postings as they are read, rather than
        # each id being looked up in the index on its own (three times slower for thousands).
        self.cursor.execute(
            sql.SQL(
                "SELECT term, string_agg(int8send(article_id) || int4send(length(positions) / 4),"
                " ''::bytea ORDER BY article_id), string_agg(positions, ''::bytea ORDER BY"
                " article_id) FROM {} WHERE field = %s AND term = ANY(%s::text[])"
                " AND article_id + 0 = ANY(%s::bigint[]) GROUP BY term"
            ).format(POSTING),
            [TEXT, list(dict.fromkeys(stems)), ids.tolist()],
        )
        for term, documents, positions in self.cursor.fetchall():
            held = _unpacked(documents, _COUNTED)
            found[term] = (
                np.repeat(held["id"].astype(np.int64), held["count"]),
                decode_positions(positions),
            )
        return found

    def expand_prefix(self, prefix: str) -> list[tuple[str, int]]:
        """(exact form, documents holding it) of every form starting with `prefix`, in order."""
        upper = _upper_bound(prefix)
        query = sql.SQL("SELECT term, documents FROM {} WHERE term >= %s").format(LEXICON)
        params: list = [prefix]
        if upper is not None:
            query += sql.SQL(" AND term < %s")
            params.append(upper)
        query += sql.SQL(" AND starts_with(term, %s) ORDER BY term")
        params.append(prefix)
        self.cursor.execute(query, params)
        return self.cursor.fetchall()

    def lexicon(self, terms: Iterable[str]) -> dict[str, int]:
        """How many documents hold each of these exact forms (those held only)."""
        terms = [term for term in dict.fromkeys(terms) if indexable(term)]
        if not terms:
            return {}
        self.cursor.execute(
            sql.SQL("SELECT term, documents FROM {} WHERE term = ANY(%s::text[])").format(LEXICON),
            [terms],
        )
        return dict(self.cursor.fetchall())

    def near_terms(self, word: str, distance: int) -> list[tuple[str, int]]:
        """(exact form, documents) of the forms starting with the letter `word` starts with,
        no more than `distance` characters longer or shorter (an edit distance's least)."""
        first = word[:1]
        upper = _upper_bound(first)
        query = sql.SQL(
            "SELECT term, documents FROM {} WHERE term >= %s"
            " AND char_length(term) BETWEEN %s AND %s"
        ).format(LEXICON)
        params: list = [first, len(word) - distance, len(word) + distance]
        if upper is not None:
            query += sql.SQL(" AND term < %s")
            params.append(upper)
        self.cursor.execute(query, params)
        return self.cursor.fetchall()

    def filter_flags(self, ids: np.ndarray, filters: dict[str, list[str]]) -> dict[str, np.ndarray]:
        """For each facet filter, which of these documents (ids ascending) pass it."""
        names = list(filters)
        query = sql.SQL(
            "SELECT {flags} FROM {document} WHERE article_id = ANY(%s::bigint[])"
            " ORDER BY article_id"
        ).format(
            flags=sql.SQL(", ").join(
                sql.SQL("{} && %s::text[]").format(sql.Identifier(name)) for name in names
            ),
            document=DOCUMENT,
        )
        self.cursor.execute(query, [*(filters[name] for name in names), ids.tolist()])
        rows = self.cursor.fetchall()
        return {
            name: np.fromiter((row[number] for row in rows), dtype=bool, count=len(rows))
            for number, name in enumerate(names)
        }

    def facet_counts(
        self,
        facets: Sequence[str],
        filters: dict[str, list[str]],
        *,
        ids: np.ndarray | None = None,
        day_from: int | None = None,
        day_to: int | None = None,
    ) -> dict[str, list[tuple[str, int]]]:
        """Each facet's (value, documents) over these documents (every one when `ids` is
        None, then within the date range), each facet with every filter but its own applied,
        most frequent first, then by value."""
        flags = {name: sql.Identifier(f"pass_{number}") for number, name in enumerate(filters)}
        columns = [sql.SQL("d.{}").format(sql.Identifier(name)) for name in facets]
        columns += [
            sql.SQL("(d.{} && {}::text[]) AS {}").format(
                sql.Identifier(name), sql.Literal(values), flags[name]
            )
            for name, values in filters.items()
        ]
        where, params = self._restriction(ids, day_from, day_to)
        branches = []
        for number, name in enumerate(facets):
            others = [flag for other, flag in flags.items() if other != name]
            condition = sql.SQL(" AND ").join(others) if others else sql.SQL("true")
            branches.append(
                sql.SQL(
                    "SELECT {number} AS facet, v AS value"
                    " FROM unnest(d.{name}) AS v WHERE {condition}"
                ).format(number=sql.Literal(number), name=sql.Identifier(name), condition=condition)
            )
        query = sql.SQL(
            "SELECT x.facet, x.value, count(*)"
            " FROM (SELECT {columns} FROM {document} d WHERE {where}) d"
            " CROSS JOIN LATERAL ({branches}) x GROUP BY x.facet, x.value"
        ).format(
            columns=sql.SQL(", ").join(columns),
            document=DOCUMENT,
            where=where,
            branches=sql.SQL(" UNION ALL ").join(branches),
        )
        self.cursor.execute(query, params)
        counted: dict[str, list[tuple[str, int]]] = {name: [] for name in facets}
        for number, value, count in self.cursor:
            counted[facets[number]].append((value, count))
        return {
            name: sorted(values, key=lambda item: (-item[1], item[0]))
            for name, values in counted.items()
        }

    def month_counts(
        self, filters: dict[str, list[str]], day_from: int | None, day_to: int | None
    ) -> tuple[int, dict[int, int]]:
        """(documents within the date range passing every filter, how many per YYYYMM)."""
        where, params = self._passing(filters, day_from, day_to)
        self.cursor.execute(
            sql.SQL("SELECT day / 100, count(*) FROM {} WHERE {} GROUP BY 1").format(
                DOCUMENT, where
            ),
            params,
        )
        rows = self.cursor.fetchall()
        return sum(count for _, count in rows), {m: c for m, c in rows if m > 0}

    def listing(
        self,
        filters: dict[str, list[str]],
        day_from: int | None,
        day_to: int | None,
        sort: str,
        offset: int,
        limit: int | None,
    ) -> list[int]:
        """The ids of the documents within the date range passing every filter, in the
        contract's order of unscored matches (the date, unknown last, then the id), sliced."""
        where, params = self._passing(filters, day_from, day_to)
        order = (
            "day = 0, day, article_id" if sort == "oldest" else "day = 0, day DESC, article_id DESC"
        )
        self.cursor.execute(
            sql.SQL("SELECT article_id FROM {} WHERE {} ORDER BY {} LIMIT %s OFFSET %s").format(
                DOCUMENT, where, sql.SQL(order)
            ),
            [*params, limit, offset],
        )
        return [article_id for (article_id,) in self.cursor.fetchall()]

    def _passing(self, filters, day_from, day_to) -> tuple[sql.Composed, list]:
        where, params = self._restriction(None, day_from, day_to)
        for name, values in filters.items():
            where += sql.SQL(" AND {} && %s::text[]").format(sql.Identifier(name))
            params.append(values)
        return where, params

    @staticmethod
    def _restriction(ids, day_from, day_to) -> tuple[sql.Composed, list]:
        if ids is not None:
            return sql.SQL("article_id = ANY(%s::bigint[])").format(), [ids.tolist()]
        if day_from is None and day_to is None:
            return sql.SQL("true").format(), []
        # Any range leaves out the documents of unknown date (0).
        return sql.SQL("day BETWEEN %s AND %s").format(), [
            day_from or 1,
            day_to or UNKNOWN_DAY_LAST,
        ]

    def facet_members(self, name: str) -> list[tuple[str, list[int]]]:
        """Each value of a facet with the ids of the documents having it."""
        self.cursor.execute(
            sql.SQL(
                "SELECT v, array_agg(d.article_id) FROM {} d, unnest(d.{}) AS v GROUP BY v"
            ).format(DOCUMENT, sql.Identifier(name))
        )
        return self.cursor.fetchall()

    def fingerprints(self) -> dict[int, str | None]:
        self.cursor.execute(sql.SQL("SELECT article_id, fingerprint FROM {}").format(DOCUMENT))
        return dict(self.cursor.fetchall())

    def count(self) -> int:
        self.cursor.execute(sql.SQL("SELECT documents FROM {}").format(TOTALS))
        return self.cursor.fetchone()[0]

    def missing_tables(self) -> list[str]:
        self.cursor.execute(
            "SELECT name FROM unnest(%s::text[]) AS name WHERE to_regclass(name) IS NULL",
            [list(TABLES)],
        )
        return [name for (name,) in self.cursor.fetchall()]

    def changed_tables(self) -> list[tuple[str, int, int]]:
        """(table, rows inserted or dead since its last vacuum, live rows) of each table."""
        if self.cursor.connection.info.server_version >= 150000:
            # This process's own recent writes reach the statistics with the next statement.
            self.cursor.execute("SELECT pg_stat_force_next_flush()")
        self.cursor.execute(
            "SELECT relname, n_ins_since_vacuum + n_dead_tup, n_live_tup"
            " FROM pg_stat_user_tables WHERE relname = ANY(%s::text[])"
            " ORDER BY 2 DESC, 1",
            [list(TABLES)],
        )
        return self.cursor.fetchall()

    def vacuum(self, table: str) -> None:
        """VACUUM (ANALYZE) a table (outside any transaction)."""
        self.cursor.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))

    # --- writing ----------------------------------------------------------------------------

    def lock(self) -> None:
        """Take the engine's write lock until the end of the transaction."""
        self.cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])

    def write(self, rows: Sequence[DocumentRows], removed: Sequence[int]) -> None:
        """Replace the documents of `rows` and remove those of `removed`, keeping the lexicon
        and the totals exact (call inside a transaction, holding lock())."""
        cursor = self.cursor
        gone = sorted({*removed, *(row.id for row in rows)})
        cursor.execute(
            sql.SQL(
                "DELETE FROM {} WHERE article_id = ANY(%s::bigint[])"
                " RETURNING text_length, title_length, exact_length"
            ).format(DOCUMENT),
            [gone],
        )
        old = cursor.fetchall()
        cursor.execute(
            sql.SQL(
                "WITH gone AS (DELETE FROM {} WHERE article_id = ANY(%s::bigint[])"
                " RETURNING field, term)"
                " SELECT term, count(*) FROM gone WHERE field = %s GROUP BY term"
            ).format(POSTING),
            [gone, EXACT],
        )
        change: dict[str, int] = {term: -count for term, count in cursor.fetchall()}
        for row in rows:
            for term in row.exact:
                if indexable(term):
                    change[term] = change.get(term, 0) + 1

        columns = sql.SQL(", ").join(
            sql.Identifier(name)
            for name in (
                "article_id",
                "day",
                "text_length",
                "title_length",
                "exact_length",
                "fingerprint",
                *FACETS,
            )
        )
        with cursor.copy(
            sql.SQL("COPY {} ({}) FROM STDIN (FORMAT binary)").format(DOCUMENT, columns)
        ) as copy:
            types = ["int8", "int4", "int4", "int4", "int4", "text", *(["text[]"] * len(FACETS))]
            copy.set_types(types)
            for row in rows:
                copy.write_row(
                    (
                        row.id,
                        row.day,
                        row.text_length,
                        row.title_length,
                        row.exact_length,
                        row.fingerprint,
                        *(row.facets[name] for name in FACETS),
                    )
                )
        with cursor.copy(
            sql.SQL(
                "COPY {} (field, term, article_id, tf, length, day, positions) FROM STDIN"
            ).format(POSTING)
        ) as copy:
            for row in rows:
                copy.write("".join(_posting_lines(row)))

        # Forms held more: added or counted up; held less: counted down (they are there: an
        # old version held them), and dropped once no document holds them.
        more = sorted((term, n) for term, n in change.items() if n > 0)
        fewer = sorted((term, n) for term, n in change.items() if n < 0)
        if more:
            cursor.execute(
                sql.SQL(
                    "INSERT INTO {lexicon} (term, documents)"
                    " SELECT * FROM unnest(%s::text[], %s::integer[])"
                    " ON CONFLICT (term) DO UPDATE"
                    " SET documents = {lexicon}.documents + excluded.documents"
                ).format(lexicon=LEXICON),
                [[term for term, _ in more], [n for _, n in more]],
            )
        if fewer:
            cursor.execute(
                sql.SQL(
                    "UPDATE {} l SET documents = l.documents + c.n"
                    " FROM unnest(%s::text[], %s::integer[]) AS c(term, n)"
                    ' WHERE l.term = c.term COLLATE "C"'
                ).format(LEXICON),
                [[term for term, _ in fewer], [n for _, n in fewer]],
            )
            cursor.execute(
                sql.SQL("DELETE FROM {} WHERE term = ANY(%s::text[]) AND documents = 0").format(
                    LEXICON
                ),
                [[term for term, _ in fewer]],
            )

        def stored(lengths: Iterable[int]) -> int:
            return sum(stored_length(length) for length in lengths)

        cursor.execute(
            sql.SQL(
                "UPDATE {} SET documents = documents + %s, text_length = text_length + %s,"
                " title_length = title_length + %s, exact_length = exact_length + %s,"
                " generation = nextval('search_pg_generation'),"
                # An empty index takes the analysis of the documents it is given.
                " analysis_version = CASE WHEN documents = 0 THEN %s ELSE analysis_version END"
            ).format(TOTALS),
            [
                len(rows) - len(old),
                stored(row.text_length for row in rows) - stored(o[0] for o in old),
                stored(row.title_length for row in rows) - stored(o[1] for o in old),
                stored(row.exact_length for row in rows) - stored(o[2] for o in old),
                ANALYSIS_VERSION,
            ],
        )

    def clear(self) -> None:
        """Remove every document (inside a transaction, holding lock())."""
        self.cursor.execute(sql.SQL("TRUNCATE {}, {}, {}").format(POSTING, DOCUMENT, LEXICON))
        self.cursor.execute(
            sql.SQL(
                "UPDATE {} SET documents = 0, text_length = 0, title_length = 0, exact_length = 0,"
                " generation = nextval('search_pg_generation'), analysis_version = %s"
            ).format(TOTALS),
            [ANALYSIS_VERSION],
        )

    def analysis_version(self) -> int | None:
        self.cursor.execute(sql.SQL("SELECT analysis_version FROM {}").format(TOTALS))
        return self.cursor.fetchone()[0]
