"""manage.py backup PATH — an online copy of the database (the index is rebuilt, not copied)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Copy the database (articles with their original files, sources, tags, entities, users, "
        "import history) to a new file PATH while the web server and the worker keep running: "
        "SQLite's online backup, or pg_dump on PostgreSQL. The search index is not included: "
        "`manage.py restore` rebuilds it from the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the backup file to create (must not exist)")

    def handle(self, *args, **options):
        path = options["path"]
        try:
            backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = path.stat().st_size
        self.stdout.write(
            f"backup written to {path} ({size:,} bytes); the search index is not included "
            "(restore rebuilds it)"
        )
