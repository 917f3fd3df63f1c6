"""The PostgreSQL engine keeps its postings in blocks: one row per term per written batch.

search_pg_posting held one row per (field, term, document): about 700 rows an article, each
with its tuple header and two index entries, 95 KB an article in all, and an import could not
write them faster than ~85 articles a second. A block packs a term's postings of one batch of
documents in two bytea values (as Lucene packs a segment's), so a batch of 2,000 articles writes
about a twentieth of the rows. search_pg_document.batch says which batch holds a document's
current version; a replaced or removed document's postings in its earlier batch are listed in
search_pg_dead and skipped when read, until the idle worker rewrites that batch. Its exact forms
(exact_terms) keep the lexicon's counts exact when it is replaced.

The postings cannot be converted in SQL (they are packed in Python), so the index is emptied:
`manage.py sync_index` (which `make run` runs) indexes every article again. On PostgreSQL
only, like 0003.
"""

from django.db import migrations

FORWARD = [
    "DROP TABLE IF EXISTS search_pg_posting",
    "TRUNCATE search_pg_document, search_pg_lexicon",
    "UPDATE search_pg_totals SET documents = 0, text_length = 0, title_length = 0,"
    " exact_length = 0, generation = nextval('search_pg_generation'), analysis_version = NULL",
    "CREATE SEQUENCE search_pg_batch",
    "ALTER TABLE search_pg_document ADD COLUMN batch bigint NOT NULL,"
    " ADD COLUMN exact_terms text[] NOT NULL",
    "CREATE INDEX search_pg_document_batch ON search_pg_document (batch)",
    # postings: (article id int8, term frequency int4, field length int4, day int4) per
    # document, big-endian, by article id; positions (stemmed text only): each document's
    # positions of the term in the same order, little-endian int4, tf of them a document.
    "CREATE TABLE search_pg_block ("
    " field smallint NOT NULL,"
    ' term text COLLATE "C" NOT NULL,'
    " batch bigint NOT NULL,"
    " postings bytea NOT NULL,"
    " positions bytea,"
    " PRIMARY KEY (field, term, batch))",
    "CREATE INDEX search_pg_block_batch ON search_pg_block (batch)",
    "CREATE TABLE search_pg_dead ("
    " batch bigint NOT NULL,"
    " article_id bigint NOT NULL,"
    " PRIMARY KEY (batch, article_id))",
]

BACKWARD = [
    "DROP TABLE IF EXISTS search_pg_dead",
    "DROP TABLE IF EXISTS search_pg_block",
    "DROP SEQUENCE IF EXISTS search_pg_batch",
    "TRUNCATE search_pg_document, search_pg_lexicon",
    "UPDATE search_pg_totals SET documents = 0, text_length = 0, title_length = 0,"
    " exact_length = 0, generation = nextval('search_pg_generation'), analysis_version = NULL",
    "ALTER TABLE search_pg_document DROP COLUMN batch, DROP COLUMN exact_terms",
    # As 0003 created it.
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
        ("search", "0006_mention_article_index_in_the_unique_one"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
