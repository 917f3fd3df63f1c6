"""manage.py import_articles PATH [PATH ...] — see docs/reference.md for the contract."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from archive.dbstats import refresh_planner_statistics
from archive.ingest.fields import Defaults
from archive.ingest.formats import find_files, supported
from archive.ingest.report import FAILED, IMPORTED, UPDATED
from archive.ingest.service import Importer
from archive.ingest.storage import StorageFull, storage_failure
from archive.jobs import record_command_run
from archive.models import Article, Source, too_long
from search.indexing import drain_alongside, process_pending


class Command(BaseCommand):
    help = (
        f"Import articles from files, folders or archives ({supported()}). "
        "Idempotent: the same URL or the same text is never stored twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", type=Path, help="files, folders (recursive) or .zip/.warc archives"
        )
        parser.add_argument("--source", default="", help="source for articles that name none")
        parser.add_argument("--section", default="", help="section for articles that name none")
        parser.add_argument(
            "--language", default="", choices=["", "ar", "en"], help="language when not given"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would happen; write nothing"
        )
        progress = parser.add_mutually_exclusive_group()
        progress.add_argument(
            "--progress",
            action="store_true",
            default=None,
            help="show a progress bar on stderr (the default when stderr is a terminal)",
        )
        progress.add_argument(
            "--no-progress", action="store_false", dest="progress", help="never show one"
        )

    def handle(self, *args, **options):
        defaults = Defaults(options["source"], options["section"], options["language"])
        # Every article would fail for it (and the import history could not record the run).
        too_long_default = too_long(Source, "name", defaults.source, "--source") or too_long(
            Article, "section", defaults.section, "--section"
        )
        if too_long_default:
            raise CommandError(too_long_default)
        show = options["progress"]
        if show is None:
            show = self.stderr.isatty() if hasattr(self.stderr, "isatty") else sys.stderr.isatty()
        bar = _ProgressBar(self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr)
        importer = Importer(
            defaults, dry_run=options["dry_run"], progress=bar.update if show else None
        )
        try:
            if options["dry_run"]:
                report = importer.run_paths(options["paths"])
                alongside = None
            else:
                with drain_alongside() as alongside:
                    paths = options["paths"]
                    importer.progress = _reporting_to(alongside, paths, importer.progress)
                    report = importer.run_paths(paths)
        except StorageFull as error:
            # Each batch commits whole or not at all: what is stored is consistent, and a rerun
            # skips it.
            raise CommandError(
                f"the import stopped: the database could not be written ({error}); the disk "
                "is full or a file size limit was reached. The articles stored before it are "
                "kept, none of the batch being written. Free some space and run the same "
                "command again: what is already stored is skipped."
            ) from error
        finally:
            bar.close()
        verbosity = options["verbosity"]
        for outcome in report.outcomes:
            if outcome.status == FAILED:
                self.stderr.write(f"{outcome.name}: {outcome.message}")
            elif verbosity >= 2:
                detail = f" ({outcome.message})" if outcome.message else ""
                self.stdout.write(f"{outcome.name}: {outcome.status}{detail}")
        if not options["dry_run"]:
            record_command_run(report, options["paths"], defaults)
            # Contract: what the command imported is searchable when it exits. Its segments
            # are merged later, when the worker is idle (search.indexing.merge_when_idle).
            try:
                process_pending(merge=False)
            except (OSError, DatabaseError) as error:
                # The articles are stored and their changes queued: the index only lags.
                raise CommandError(
                    f"{report.summary()}; but the search index could not be written "
                    f"({storage_failure(error) or error}). The articles are stored and queued "
                    "for the index: free some space, then run `manage.py sync_index` (or let "
                    "the worker run) to make them searchable."
                ) from error
            if verbosity >= 2 and alongside is not None and alongside.ran:
                self.stdout.write(f"index: {alongside.applied} changes applied during the import")
            if report.counts()[IMPORTED] or report.counts()[UPDATED]:
                refresh_planner_statistics()
        prefix = "dry run: would have " if options["dry_run"] else ""
        self.stdout.write(prefix + report.summary())
        if report.failed:
            raise CommandError(f"{len(report.failed)} failed", returncode=1)


def _reporting_to(alongside, paths, progress):
    """A progress callback that also tells the index drain how far the import has got, in
    bytes of input read, so it can tell when the import is near its end."""
    sizes = {str(path): path.stat().st_size for path, problem in find_files(paths) if not problem}
    total = sum(sizes.values())
    done = 0

    def update(done_files: int, total_files: int, name: str) -> None:
        nonlocal done
        done += sizes.get(name, 0)
        alongside.progress(done, total)
        if progress is not None:
            progress(done_files, total_files, name)

    return update


class _ProgressBar:
    """tqdm on stderr, created on the first file (so it knows the total)."""

    def __init__(self, stream):
        self._stream = stream
        self._bar = None

    def update(self, done: int, total: int, name: str) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="file", file=self._stream, dynamic_ncols=True)
        self._bar.set_postfix_str(Path(name).name[-40:], refresh=False)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
