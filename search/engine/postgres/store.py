"""The PostgreSQL engine's SQL: every read and write of its tables, through one psycopg cursor.

Longer than the project's 500 lines on purpose: every statement on these tables is kept in one
place, beside the layout it depends on, so a change of layout is one module's change.

The tables (created by search/migrations/0003_postgres_engine.py):
- search_pg_document: one row per document: date, field lengths, facet values (text[] with
  GIN indexes, for filters, facet counts and entity clauses), the batch holding its postings
  and its exact forms (to count them out of the lexicon when it is replaced);
- search_pg_block: the inverted index, one row per (field, term, batch): the term's postings
  in one written batch of documents, packed (blocks.py) with each document's frequency, field
  length and date, and for the stemmed text its positions (phrases);
- search_pg_dead: (batch, article id) of each replaced or removed document's postings that a
  batch still holds, dropped by every reader until merge() rewrites the batch;
- search_pg_lexicon: each exact form held and in how many documents (prefixes, suggestions);
- search_pg_totals: one row, N and the summed stored field lengths (idf, average lengths).
Everything a search needs comes from these in a handful of statements; large results (postings,
every document) come back packed in one bytea each and are read straight into numpy arrays.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from psycopg import sql

from search.analysis import ANALYSIS_VERSION
from search.engine.contract import FACETS
from search.engine.ordering import UNKNOWN_DAY_LAST
from search.engine.postgres import blocks
from search.engine.postgres.documents import TEXT, DocumentRows, indexable
from search.engine.postgres.scoring import stored_length

DOCUMENT = sql.Identifier("search_pg_document")
BLOCK = sql.Identifier("search_pg_block")
DEAD = sql.Identifier("search_pg_dead")
LEXICON = sql.Identifier("search_pg_lexicon")
TOTALS = sql.Identifier("search_pg_totals")
TABLES = (
    "search_pg_document",
    "search_pg_block",
    "search_pg_dead",
    "search_pg_lexicon",
    "search_pg_totals",
)
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


# Document lists come back packed, one bytea (int8send and int4send: big-endian), and are read
# straight into numpy: no Python object per document.
_DATED = np.dtype([("id", ">i8"), ("day", ">i4")])
_PACKED_DATED = sql.SQL(
    "string_agg(int8send(d.article_id) || int4send(d.day), ''::bytea ORDER BY d.article_id)"
)


def _unpacked(blob: bytes | None, layout: np.dtype) -> np.ndarray:
    return np.frombuffer(blob, dtype=layout) if blob else np.zeros(0, dtype=layout)


def _as_postings(rows: np.ndarray) -> Postings:
    return Postings(
        rows["id"].astype(np.int64),
        rows["tf"].astype(np.int64),
        rows["length"].astype(np.int64),
        rows["day"].astype(np.int64),
    )


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
        """The live postings of each (field, term), by article id."""
        found = dict.fromkeys(keys, EMPTY_POSTINGS)
        wanted = [key for key in found if indexable(key[1])]
        if not wanted:
            return found
        # binary: the blocks arrive as bytes, not as hex to decode.
        self.cursor.execute(
            sql.SQL(
                "SELECT k.n, b.batch, b.postings FROM unnest(%s::smallint[], %s::text[])"
                " WITH ORDINALITY AS k(field, term, n)"
                ' JOIN {block} b ON b.field = k.field AND b.term = k.term COLLATE "C"'
            ).format(block=BLOCK),
            [[field for field, _ in wanted], [term for _, term in wanted]],
            binary=True,
        )
        parts: dict[int, list[tuple[int, np.ndarray]]] = {}
        for number, batch, blob in self.cursor.fetchall():
            parts.setdefault(number, []).append((batch, blocks.postings_of(blob)))
        dead = self.dead({batch for held in parts.values() for batch, _ in held})
        for number, held in parts.items():
            live = []
            for batch, postings in held:
                keep = blocks.alive(postings, dead.get(batch))
                live.append(postings if keep is None else postings[keep])
            joined = blocks.combined(live)
            if len(joined):
                found[wanted[number - 1]] = _as_postings(joined)
        return found

    def dead(self, batches: Iterable[int]) -> dict[int, np.ndarray]:
        """The article ids of the dead postings of each of these batches (those with any)."""
        batches = sorted(batches)
        if not batches:
            return {}
        self.cursor.execute(
            sql.SQL(
                "SELECT batch, string_agg(int8send(article_id), ''::bytea) FROM {}"
                " WHERE batch = ANY(%s::bigint[]) GROUP BY batch"
            ).format(DEAD),
            [batches],
            binary=True,
        )
        return {
            batch: np.frombuffer(blob, dtype=">i8").astype(np.int64)
            for batch, blob in self.cursor.fetchall()
        }

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
        self.cursor.execute(
            sql.SQL(
                "SELECT term, batch, postings, positions FROM {}"
                " WHERE field = %s AND term = ANY(%s::text[])"
            ).format(BLOCK),
            [TEXT, list(dict.fromkeys(stems))],
            binary=True,
        )
        rows = self.cursor.fetchall()
        dead = self.dead({batch for _, batch, _, _ in rows})
        parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        for term, batch, blob, position_blob in rows:
            postings = blocks.postings_of(blob)
            keep = blocks.among(postings["id"].astype(np.int64), ids)
            alive = blocks.alive(postings, dead.get(batch))
            if alive is not None:
                keep &= alive
            if keep.any():
                located = blocks.positions_in(postings, position_blob, keep)
                parts.setdefault(term, []).append(located)
        for term, held in parts.items():
            documents = np.concatenate([documents for documents, _ in held])
            at = np.concatenate([at for _, at in held])
            if len(held) > 1:  # in document order, each document's positions as they were
                order = np.argsort(documents, kind="stable")
                documents, at = documents[order], at[order]
            found[term] = (documents, at)
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

    def try_lock(self) -> bool:
        """Take the engine's write lock until the end of the transaction if it is free."""
        self.cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [WRITE_LOCK])
        return self.cursor.fetchone()[0]

    def write(self, rows: Sequence[DocumentRows], removed: Sequence[int]) -> None:
        """Replace the documents of `rows` and remove those of `removed`, keeping the lexicon
        and the totals exact (call inside a transaction, holding lock()). The new versions
        are one new batch."""
        cursor = self.cursor
        gone = sorted({*removed, *(row.id for row in rows)})
        cursor.execute(
            sql.SQL(
                "DELETE FROM {} WHERE article_id = ANY(%s::bigint[])"
                " RETURNING article_id, batch, text_length, title_length, exact_length,"
                " exact_terms"
            ).format(DOCUMENT),
            [gone],
        )
        old = cursor.fetchall()
        if old:
            # Their postings stay in their batches until merge() rewrites them: dead.
            cursor.execute(
                sql.SQL(
                    "INSERT INTO {} (batch, article_id)"
                    " SELECT * FROM unnest(%s::bigint[], %s::bigint[]) ON CONFLICT DO NOTHING"
                ).format(DEAD),
                [[o[1] for o in old], [o[0] for o in old]],
            )
        change: Counter[str] = Counter()
        for *_, exact_terms in old:
            change.subtract(exact_terms)
        held_exact = [[term for term in row.exact if indexable(term)] for row in rows]
        for terms in held_exact:
            change.update(terms)

        if rows:
            cursor.execute("SELECT nextval('search_pg_batch')")
            batch = cursor.fetchone()[0]
            names = (
                "article_id",
                "day",
                "text_length",
                "title_length",
                "exact_length",
                "fingerprint",
                "batch",
                "exact_terms",
                *FACETS,
            )
            columns = sql.SQL(", ").join(map(sql.Identifier, names))
            with cursor.copy(
                sql.SQL("COPY {} ({}) FROM STDIN (FORMAT binary)").format(DOCUMENT, columns)
            ) as copy:
                copy.set_types(
                    ["int8", "int4", "int4", "int4", "int4", "text", "int8", "text[]"]
                    + ["text[]"] * len(FACETS)
                )
                for row, exact_terms in zip(rows, held_exact, strict=True):
                    copy.write_row(
                        (
                            row.id,
                            row.day,
                            row.text_length,
                            row.title_length,
                            row.exact_length,
                            row.fingerprint,
                            batch,
                            exact_terms,
                            *(row.facets[name] for name in FACETS),
                        )
                    )
            self._write_blocks(batch, blocks.pack(rows))

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
                stored(row.text_length for row in rows) - stored(o[2] for o in old),
                stored(row.title_length for row in rows) - stored(o[3] for o in old),
                stored(row.exact_length for row in rows) - stored(o[4] for o in old),
                ANALYSIS_VERSION,
            ],
        )

    def _write_blocks(self, batch: int, packed: Iterable[blocks.Block]) -> None:
        with self.cursor.copy(
            sql.SQL(
                "COPY {} (field, term, batch, postings, positions) FROM STDIN (FORMAT binary)"
            ).format(BLOCK)
        ) as copy:
            copy.set_types(["int2", "text", "int8", "bytea", "bytea"])
            for field, term, postings, positions in packed:
                copy.write_row((field, term, batch, postings, positions))

    # --- merging ----------------------------------------------------------------------------

    def batches(self) -> list[tuple[int, int, int]]:
        """(batch, documents whose current version it holds, dead documents it still
        holds) of every batch, oldest first."""
        self.cursor.execute(
            sql.SQL(
                "SELECT batch, sum(live)::bigint, sum(dead)::bigint FROM ("
                " SELECT batch, count(*) AS live, 0 AS dead FROM {document} GROUP BY batch"
                " UNION ALL SELECT batch, 0, count(*) FROM {dead} GROUP BY batch"
                ") x GROUP BY batch ORDER BY batch"
            ).format(document=DOCUMENT, dead=DEAD)
        )
        return [(batch, int(live), int(dead)) for batch, live, dead in self.cursor.fetchall()]

    def merge(self, batches: Sequence[int], read_size: int = 20_000) -> None:
        """Rewrite these batches as one new batch of their live postings: the dead ones are
        dropped, a term read from one row where it was several (inside a transaction, holding
        lock()). Read in term order, `read_size` rows at a time, and written as each term is
        complete: memory holds a few of the batches' rows, not all of them."""
        cursor = self.cursor
        batches = sorted(batches)
        dead = self.dead(batches)
        cursor.execute("SELECT nextval('search_pg_batch')")
        new_batch = cursor.fetchone()[0]
        connection = cursor.connection
        with connection.cursor(name="arshif_merge", binary=True) as reading:
            reading.execute(
                sql.SQL(
                    "SELECT field, term, batch, postings, positions FROM {}"
                    ' WHERE batch = ANY(%s::bigint[]) ORDER BY field, term COLLATE "C"'
                ).format(BLOCK),
                [batches],
            )
            key, parts, owners = None, [], []
            while True:
                fetched = reading.fetchmany(read_size)
                written: list[blocks.Block] = []
                for field, term, batch, postings, positions in fetched:
                    if (field, term) != key:
                        if key is not None:
                            written += _merged_block(key, parts, owners, dead)
                        key, parts, owners = (field, term), [], []
                    parts.append((postings, positions))
                    owners.append(batch)
                if not fetched and key is not None:
                    written += _merged_block(key, parts, owners, dead)
                if written:
                    # Between two fetches: the named cursor waits on the server meanwhile.
                    self._write_blocks(new_batch, written)
                if not fetched:
                    break
        cursor.execute(
            sql.SQL("UPDATE {} SET batch = %s WHERE batch = ANY(%s::bigint[])").format(DOCUMENT),
            [new_batch, batches],
        )
        for table in (BLOCK, DEAD):
            cursor.execute(
                sql.SQL("DELETE FROM {} WHERE batch = ANY(%s::bigint[])").format(table), [batches]
            )

    def clear(self) -> None:
        """Remove every document (inside a transaction, holding lock())."""
        self.cursor.execute(
            sql.SQL("TRUNCATE {}, {}, {}, {}").format(BLOCK, DEAD, DOCUMENT, LEXICON)
        )
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


def _merged_block(key, parts, owners, dead) -> list[blocks.Block]:
    """The one block of a (field, term) merged from its blocks in several batches (none when
    no posting of it is alive)."""
    if len(parts) == 1 and owners[0] not in dead:
        return [(*key, *parts[0])]
    merged = blocks.merged(parts, [dead.get(batch) for batch in owners])
    return [] if merged is None else [(*key, *merged)]
