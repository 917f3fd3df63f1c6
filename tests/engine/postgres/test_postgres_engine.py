"""What the conformance suite cannot see of the PostgreSQL engine: its selection by SEARCH_URL,
transactions (a batch is all or nothing; a search reads one snapshot), and values and terms at
PostgreSQL's limits."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, transaction

from search.analysis.query import ParsedQuery
from search.engine.contract import SearchRequest
from tests.engine import doc, matching, search
from tests.processes import ROOT

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs the test database on PostgreSQL"
)


def _settings(tmp_path, **env) -> subprocess.CompletedProcess:
    """Import the project's settings with these environment variables, in a fresh process."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.HAYSTACK_CONNECTIONS['default']['ENGINE'])"
    )
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SEARCH_URL")},
        "DJANGO_SETTINGS_MODULE": "arshif.settings",
        "ARCHIVE_DATA_DIR": str(tmp_path),
        "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_search_url_postgres_selects_the_engine_on_a_postgresql_database(tmp_path):
    # Settings only: nothing connects to this address.
    found = _settings(
        tmp_path, SEARCH_URL="postgres:", DATABASE_URL="postgres://u:p@127.0.0.1:9/archive"
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "search.engine.postgres.backend.PostgresEngine"


def test_search_url_postgres_on_another_database_stops_start_up(tmp_path):
    found = _settings(tmp_path, SEARCH_URL="postgres:", DATABASE_URL=f"sqlite:///{tmp_path}/db")
    assert found.returncode != 0
    assert "ImproperlyConfigured" in found.stderr
    assert "must then be PostgreSQL" in found.stderr


def test_search_url_postgres_takes_no_address(tmp_path):
    found = _settings(
        tmp_path,
        SEARCH_URL="postgres://elsewhere/search",
        DATABASE_URL="postgres://u:p@127.0.0.1:9/archive",
    )
    assert found.returncode != 0
    assert "another database cannot be given" in found.stderr


@pytest.mark.skipif(connection.vendor == "postgresql", reason="needs a database other than it")
@pytest.mark.django_db
def test_the_engine_refuses_a_database_that_is_not_postgresql():
    from search.engine.postgres.backend import PostgresSearchBackend

    with pytest.raises(ImproperlyConfigured, match="needs a PostgreSQL database"):
        PostgresSearchBackend("default").count()


@pytest.fixture
def engine(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs the test database on PostgreSQL")
    from search.engine.postgres.backend import PostgresSearchBackend

    made = PostgresSearchBackend("default")
    made.clear()
    return made


def _three():
    return [
        doc(1, "قصف على حلب", day=20200105, place=["sy"], source=["sana"]),
        doc(2, "قصف على حمص", day=20200210, place=["sy"], source=["wire"]),
        doc(3, "هدوء في الموصل", day=20191231, place=["iq"], source=["sana"]),
    ]


@on_postgres
def test_a_batch_that_fails_changes_nothing(engine):
    engine.apply(_three(), [])
    before = search(engine, "قصف OR هدوء", facets=("place", "source"))
    # PostgreSQL text cannot hold NUL: the batch fails after its deletions were made.
    broken = doc(1, "هدنة في حلب", source=["bad\x00value"])
    with pytest.raises(Exception, match=r"NUL|0x00"):
        engine.apply([doc(4, "قصف على ادلب"), broken], [2])
    assert engine.count() == 3
    after = search(engine, "قصف OR هدوء", facets=("place", "source"))
    assert (after.ids, after.scores, after.facets) == (before.ids, before.scores, before.facets)
    assert matching(engine, "ادلب") == []
    assert matching(engine, "حمص") == [2]


@on_postgres
def test_blocks_large_enough_to_compress_are_compressed_with_lz4(engine):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        if not cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL was built without lz4")
    # A word in 1,000 articles: its postings (20 KB, mostly the zero bytes of small ids) are
    # compressed when stored.
    engine.apply([doc(n, f"قصف على حلب {n}") for n in range(1, 1001)], [])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(postings) FROM search_pg_block"
            " WHERE octet_length(postings) > 10000"
        )
        assert {method for (method,) in cursor.fetchall()} == {"lz4"}
    assert len(matching(engine, '"قصف على حلب"')) == 1000


@on_postgres
def test_facet_values_and_terms_with_quotes_backslashes_and_great_length(engine):
    odd = ["it's", 'say "yes"', "back\\slash", "{braces}", "a,b", "NULL", " spaced "]
    long_word = "ب" * 3000  # more than an index entry holds: counted, not indexed
    engine.apply(
        [doc(1, f"خبر عن حلب {long_word} اليوم", tag=odd), doc(2, "خبر آخر", tag=["plain"])],
        [],
    )
    hits = search(engine, "خبر", facets=("tag",))
    assert dict(hits.facets["tag"]) == {**dict.fromkeys(odd, 1), "plain": 1}
    for value in odd:
        assert matching(engine, "خبر", filters={"tag": [value]}) == [1]
    assert matching(engine, "حلب") == [1]
    assert matching(engine, "ب" * 300) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_search_reads_one_snapshot_while_a_batch_commits():
    """A batch committed while a search runs is not half seen by it: every statement of the
    search reads the snapshot its first one took."""
    from search.engine.postgres.backend import PostgresSearchBackend

    engine = PostgresSearchBackend("default")
    engine.clear()
    try:
        engine.apply(_three(), [])
        committed = threading.Event()

        def write():
            try:
                PostgresSearchBackend("default").apply(
                    [doc(4, "قصف على ادلب", place=["sy"]), doc(1, "هدنة في حلب")], [2]
                )
                committed.set()
            finally:
                connections.close_all()

        with engine._reading() as store:
            totals = store.totals()  # the snapshot is taken here
            writer = threading.Thread(target=write)
            writer.start()
            writer.join()
            assert committed.is_set()
            assert store.count() == totals.documents == 3
            postings = store.postings([(0, "قصف")])[(0, "قصف")]
            assert postings.ids.tolist() == [1, 2]
        # After it, the next search sees the whole batch.
        assert matching(engine, "قصف") == [4]
        assert engine.count() == 3
    finally:
        engine.clear()


@on_postgres
def test_a_search_inside_a_transaction_sees_its_own_batch(engine):
    with transaction.atomic():
        engine.apply([doc(9, "قصف على ادلب")], [])
        assert matching(engine, "ادلب") == [9]
    hits = engine.search(SearchRequest(query=ParsedQuery(), match_all=True, limit=0))
    assert hits.total == 1


@on_postgres
def test_terms_reach_the_postings_verbatim_whatever_their_characters(engine):
    """No analysed term holds a backslash, tab or newline today; should one ever, the rows
    written for it must still hold it exactly."""
    from collections import Counter

    from search.engine.postgres.documents import EXACT, TEXT, rows_of
    from search.engine.postgres.store import Store

    odd = ["back\\slash", "tab\there", "new\nline", "\\N", "\\.", "ر\r"]
    rows = rows_of(doc(1, "خبر"))
    rows.text.update({term: [0, 3] for term in odd})
    rows.exact.update(Counter(odd))
    with engine._writing() as store:
        store.write([rows], [])
    with engine._reading() as store:
        assert isinstance(store, Store)
        found = store.postings([(TEXT, term) for term in odd] + [(EXACT, term) for term in odd])
        assert all(postings.ids.tolist() == [1] for postings in found.values())
        assert {term: postings.tf.tolist() for (field, term), postings in found.items()} == {
            term: [2] if field == TEXT else [1] for field, term in found
        }
        positions = store.positions(odd, found[TEXT, odd[0]].ids)
        assert all(positions[term][1].tolist() == [0, 3] for term in odd)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_merge_idle_vacuums_what_changed_then_rests_and_changes_no_result(monkeypatch):
    from search.engine.postgres import backend
    from search.engine.postgres.backend import PostgresSearchBackend

    monkeypatch.setattr(backend, "VACUUM_AFTER_ROWS", 10)
    engine = PostgresSearchBackend("default")
    engine.clear()
    try:
        engine.apply([*_three(), doc(4, "قصف على ادلب وريفها الجنوبي والشمالي")], [])
        engine.apply([doc(2, "هدنة في حمص")], [3])
        before = search(engine, "قصف OR هدنة", facets=("place", "source"))
        assert engine.merge_idle()  # the postings, at least
        for _ in range(10):
            if not engine.merge_idle():
                break
        else:
            pytest.fail("merge_idle() never ran out of tables to vacuum")
        after = search(engine, "قصف OR هدنة", facets=("place", "source"))
        assert (after.ids, after.scores, after.facets) == (before.ids, before.scores, before.facets)
        # Inside a transaction a vacuum cannot run: nothing is done.
        engine.apply([doc(5, "خبر")], [])
        with transaction.atomic():
            assert not engine.merge_idle()
    finally:
        engine.clear()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_idle_merges_rewrite_batches_without_dead_postings_and_change_no_result():
    from search.engine.postgres.backend import PostgresSearchBackend

    engine = PostgresSearchBackend("default")
    engine.clear()
    try:
        # Twelve batches (each apply writes one), then 3 replaced and 5 removed: their first
        # versions are dead postings of batches 3 and 5.
        for n in range(1, 13):
            text = f"قصف على حلب في اليوم {n} والقصف مستمر على الريف"
            engine.apply([doc(n, text, day=20200100 + n, place=["sy"], source=[f"s{n % 3}"])], [])
        engine.apply([doc(3, "هدنة في حمص بعد القصف", day=20200301, place=["sy"])], [5])
        queries = ["قصف", '"قصف على حلب"', "هدن*", "حلب -هدنة", "قصف OR هدنة"]

        def seen():
            found = {}
            for query in queries:
                hits = search(engine, query, facets=("place", "source"))
                found[query] = (hits.total, hits.ids, hits.scores, hits.facets, hits.months)
            return found, engine.document_frequencies(["قصف", "هدنة", "حلب", "اليوم"])

        before = seen()
        batches = engine.batches()
        assert (len(batches), sum(dead for *_, dead in batches)) == (13, 2)
        for _ in range(50):
            if not engine.merge_idle():
                break
        else:
            pytest.fail("merge_idle() never ran out of work")
        # Batches 3 and 5 held only dead postings: rewritten to nothing. Ten of the eleven
        # one-document batches left are one batch now; the newest waits for nine more.
        batches = engine.batches()
        assert sorted(live for _, live, _ in batches) == [1, 10]
        assert sum(dead for *_, dead in batches) == 0
        assert seen() == before
        assert engine.count() == 11
    finally:
        engine.clear()
