"""manage.py restore PATH [--force] — a backup into this database, then the index rebuilt."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from archive.backup import BackupError, holds_articles, restore
from archive.models import Article, Original


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into this database (DATABASE_URL), "
        "which must hold no article unless --force is given (its contents are then replaced), "
        "then bring the schema up to date and rebuild the search index. Stop the web server "
        "and the worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a backup file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the contents of a database that already holds articles",
        )

    def handle(self, *args, **options):
        path = options["path"]
        if holds_articles() and not options["force"]:
            raise CommandError(
                "this database already holds articles: restoring would replace them. Restore "
                "into a new database (a new ARCHIVE_DATA_DIR or DATABASE_URL), or give --force "
                "to replace its contents"
            )
        try:
            restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        # A backup from an older release: its schema is brought up to this one's.
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            f"restored {Article.objects.count()} articles and {Original.objects.count()} "
            f"original files from {path}; rebuilding the search index"
        )
        call_command("sync_index", "--rebuild", stdout=self.stdout._out)
