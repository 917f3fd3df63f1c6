"""The PostgreSQL engine keeps each document's fingerprint (search.engine.contract.fingerprint),
for `manage.py check_index`. On PostgreSQL only, like 0003; documents indexed before it have
none (NULL), which check_index reports as stale."""

from django.db import migrations

ADD = ["ALTER TABLE search_pg_document ADD COLUMN fingerprint text"]
DROP = ["ALTER TABLE search_pg_document DROP COLUMN IF EXISTS fingerprint"]


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
        ("search", "0004_entity_retag"),
    ]

    operations = [
        migrations.RunPython(_run(ADD), _run(DROP), elidable=False),
    ]
