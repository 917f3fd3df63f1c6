"""The PostgreSQL engine's blocks are compressed with lz4 rather than PostgreSQL's default pglz.

A phrase or a common word reads megabytes of blocks at every search, and PostgreSQL
decompresses each: reading the blocks of six common stems (9.8 MB, 20,000 articles) took
33.9 ms with pglz and 22.3 ms with lz4, the table the same size (258 / 255 MB). Blocks written
before this keep their compression until a merge rewrites them. On PostgreSQL only, like 0003,
and only where the server was built with lz4 (Debian's is); elsewhere nothing changes.
"""

from django.db import migrations

COLUMNS = ("postings", "positions")


def _compress_with(method: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT %s = ANY(enumvals) FROM pg_settings"
                " WHERE name = 'default_toast_compression'",
                [method],
            )
            row = cursor.fetchone()
            if not (row and row[0]):
                return
            alterations = ", ".join(
                f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in COLUMNS
            )
            cursor.execute(f"ALTER TABLE search_pg_block {alterations}")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_postgres_blocks"),
    ]

    operations = [
        migrations.RunPython(_compress_with("lz4"), _compress_with("pglz"), elidable=False),
    ]
