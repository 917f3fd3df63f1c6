"""manage.py import_articles PATH [PATH ...] — see README and CONTRACTS for the contract."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.ingest.service import FAILED, Defaults, ingest_paths
from search.queue import process_pending


class Command(BaseCommand):
    help = (
        "Import articles from files or folders (.txt scraped text, .json, .jsonl, .csv). "
        "Idempotent: the same URL or the same text is never stored twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="files or folders (recursive)")
        parser.add_argument("--source", default="", help="source for articles that name none")
        parser.add_argument("--section", default="", help="section for articles that name none")
        parser.add_argument(
            "--language", default="", choices=["", "ar", "en"], help="language when not given"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would happen; write nothing"
        )

    def handle(self, *args, **options):
        defaults = Defaults(options["source"], options["section"], options["language"])
        report = ingest_paths(options["paths"], defaults, dry_run=options["dry_run"])
        verbosity = options["verbosity"]
        for outcome in report.outcomes:
            if outcome.status == FAILED:
                self.stderr.write(f"{outcome.name}: {outcome.message}")
            elif verbosity >= 2:
                detail = f" ({outcome.message})" if outcome.message else ""
                self.stdout.write(f"{outcome.name}: {outcome.status}{detail}")
        if not options["dry_run"]:
            # Contract: what the command imported is searchable when it exits.
            process_pending()
        prefix = "dry run: would have " if options["dry_run"] else ""
        self.stdout.write(prefix + report.summary())
        if report.failed:
            raise CommandError(f"{len(report.failed)} failed", returncode=1)
