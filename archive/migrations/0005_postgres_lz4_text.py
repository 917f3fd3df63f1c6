"""On PostgreSQL, the large columns of the archive are compressed with lz4 rather than pglz.

Every imported article writes its text three times over (blocks, body, its original's bytes)
and PostgreSQL compresses each value over 2 kB: with pglz that was a tenth of the importing
session's server time. Rows written before this keep their compression (both are read alike).
On PostgreSQL only, and only where the server was built with lz4 (Debian's is), like the search
engine's blocks (search/migrations/0008).
"""

from django.db import migrations

COLUMNS = {
    "archive_article": ("standfirst", "blocks", "body", "captions", "dropped_lines"),
    "archive_original": ("content",),
    "archive_importbatch": ("preview",),
    "archive_uploadchunk": ("data",),
}


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
            for table, columns in COLUMNS.items():
                alterations = ", ".join(
                    f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in columns
                )
                cursor.execute(f"ALTER TABLE {table} {alterations}")

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0004_upload_chunks_in_the_database"),
    ]

    operations = [
        migrations.RunPython(_compress_with("lz4"), _compress_with("pglz"), elidable=False),
    ]
