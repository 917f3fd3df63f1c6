"""The PostgreSQL search engine's tables (search/engine/postgres/), on PostgreSQL only.

Raw SQL, not models: the tables are the engine's own storage, read and written only by
search.engine.postgres, which the rest of the product never sees. On any other database
(SQLite) this migration does nothing. The statements are written out here, frozen, as a
migration's must be; the engine checks at start-up that they ran (schema.check_schema).
"""

from django.db import migrations

FACETS = ("source", "section", "language", "year", "place", "person", "org", "tag")

CREATE = [
    # One row per document: its date, field lengths (terms, alternative stems included) and
    # facet values (GIN: filters, entity clauses).
    "CREATE TABLE search_pg_document ("
    " article_id bigint PRIMARY KEY,"
    " day integer NOT NULL,"
    " text_length integer NOT NULL,"
    " title_length integer NOT NULL,"
    " exact_length integer NOT NULL, "
    + ", ".join(f"{name} text[] NOT NULL" for name in FACETS)
    + ")",
    *(
        f"CREATE INDEX search_pg_document_{name} ON search_pg_document USING gin ({name})"
        for name in FACETS
    ),
    # The inverted index: one row per (field, term, document), with what BM25 and ranking need
    # (term frequency, the document's field length and date) in the primary key's leaves, so
    # a term's postings are one index range, and positions (stemmed text only, for phrases) as
    # little-endian 32-bit integers.
    "CREATE TABLE search_pg_posting ("
    " field smallint NOT NULL,"
    ' term text COLLATE "C" NOT NULL,'
    " article_id bigint NOT NULL,"
    " tf integer NOT NULL,"
    " length integer NOT NULL,"
    " day integer NOT NULL,"
    " positions bytea,"
    " PRIMARY KEY (field, term, article_id) INCLUDE (tf, length, day))",
    "CREATE INDEX search_pg_posting_article ON search_pg_posting (article_id)",
    # The exact forms held and how many documents hold each: prefixes, spelling suggestions.
    "CREATE TABLE search_pg_lexicon ("
    ' term text COLLATE "C" PRIMARY KEY,'
    " documents integer NOT NULL CHECK (documents >= 0))",
    # N and the summed (Whoosh-quantised) field lengths, for idf and average lengths, and the
    # generation: a new value from the sequence with every change, never one used before (a
    # sequence does not roll back), so that what a process read of the index can be kept for
    # exactly as long as the index is what it was.
    "CREATE SEQUENCE search_pg_generation",
    "CREATE TABLE search_pg_totals ("
    " id boolean PRIMARY KEY DEFAULT true CHECK (id),"
    " documents bigint NOT NULL,"
    " text_length bigint NOT NULL,"
    " title_length bigint NOT NULL,"
    " exact_length bigint NOT NULL,"
    " generation bigint NOT NULL,"
    # search.analysis.ANALYSIS_VERSION of the documents held: set when the index is emptied or
    # its first document written; NULL until then.
    " analysis_version integer)",
    "INSERT INTO search_pg_totals VALUES (true, 0, 0, 0, 0, nextval('search_pg_generation'), NULL)",
]

DROP = [
    "DROP TABLE IF EXISTS search_pg_totals",
    "DROP SEQUENCE IF EXISTS search_pg_generation",
    "DROP TABLE IF EXISTS search_pg_lexicon",
    "DROP TABLE IF EXISTS search_pg_posting",
    "DROP TABLE IF EXISTS search_pg_document",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_entities"),
    ]

    operations = [
        migrations.RunPython(_run(CREATE), _run(DROP), elidable=False),
    ]
