"""manage.py import_articles PATH [PATH ...] — see docs/reference.md for the contract."""

import contextlib
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from archive import collection
from archive.dbstats import refresh_planner_statistics
from archive.ingest.ahead import analysing_ahead
from archive.ingest.fields import Defaults
from archive.ingest.formats import find_files, supported
from archive.ingest.neardup_lookup import forget_stored_signatures
from archive.ingest.report import FAILED, IMPORTED, UPDATED
from archive.ingest.service import Importer
from archive.ingest.storage import (
    StorageFull,
    database_full_message,
    index_full_message,
    storage_failure,
)
from archive.jobs import finish_command_run, save_outcomes, start_command_run
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
        paths = options["paths"]
        dry_run = options["dry_run"]
        verbosity = options["verbosity"]
        found = find_files(paths)
        sizes = {str(path): path.stat().st_size for path, problem in found if not problem}
        bar = _ProgressBar(
            self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr, sum(sizes.values())
        )
        batch = None if dry_run else start_command_run(paths, defaults)
        position = 0

        def sink(outcomes) -> None:
            # Outcomes go to the history as they come: a run of a million records keeps none.
            nonlocal position
            if batch is not None:
                position = save_outcomes(batch, outcomes, position)
            if verbosity >= 2:
                for outcome in outcomes:
                    if outcome.status != FAILED:
                        detail = f" ({outcome.message})" if outcome.message else ""
                        self.stdout.write(f"{outcome.name}: {outcome.status}{detail}")

        importer = Importer(defaults, dry_run=dry_run, sink=sink, cap_streamed=False)
        reading = _Reading(sizes, bar if show else None)
        importer.progress, importer.read_progress = reading.file_done, reading.file_read
        try:
            if dry_run:
                report = importer.run_paths(paths)
                alongside = None
            else:
                # The drain's fork first: the analysis's must not inherit its pipes.
                with collection.paced(), drain_alongside() as alongside, analysing_ahead():
                    reading.alongside = alongside
                    report = importer.run_paths(paths)
                    # What is left to index when the storing ends is shared between both
                    # cores: this process's part needs memory that the near-duplicate index
                    # (about 300 MB at 100,000 articles) no longer has a use for.
                    importer.articles.neardups.forget_stored()
                    forget_stored_signatures()
        except StorageFull as error:
            if batch is not None:
                _finish_if_possible(batch, f"{type(error).__name__}: {error}")
            # Each batch commits whole or not at all: what is stored is consistent, and a rerun
            # skips it.
            raise CommandError(
                database_full_message(str(error), "run the same command again")
            ) from error
        except BaseException as error:
            if batch is not None:
                finish_command_run(batch, f"{type(error).__name__}: {error}")
            raise
        finally:
            bar.close()
        for outcome in report.failed:
            self.stderr.write(f"{outcome.name}: {outcome.message}")
        if batch is not None:
            finish_command_run(batch)
            # Contract: what the command imported is searchable when it exits. Its segments
            # are merged later, when the worker is idle (search.indexing.merge_when_idle).
            try:
                process_pending(merge=False)
            except (OSError, DatabaseError) as error:
                # The articles are stored and their changes queued: the index only lags.
                remedy = (
                    "then run `manage.py sync_index` (or let the worker run) to make them "
                    "searchable"
                )
                raise CommandError(
                    f"{report.summary()}; but "
                    + index_full_message(str(storage_failure(error) or error), remedy)
                ) from error
            if verbosity >= 2 and alongside is not None and alongside.ran:
                self.stdout.write(f"index: {alongside.applied} changes applied during the import")
            if report.counts()[IMPORTED] or report.counts()[UPDATED]:
                refresh_planner_statistics()
        prefix = "dry run: would have " if options["dry_run"] else ""
        self.stdout.write(prefix + report.summary())
        if report.failed:
            raise CommandError(f"{len(report.failed)} failed", returncode=1)


class _Reading:
    """How far the import has got, in bytes of input read (a big JSON Lines file is read record
    by record, so this moves within a file too): for the progress bar, and for the index drain
    alongside, so it can tell when the import is near its end."""

    def __init__(self, sizes: dict[str, int], bar):
        self.sizes = sizes
        self.total = sum(sizes.values())
        self.finished = 0  # bytes of the files done
        self.files = f"0/{len(sizes)}"
        self.bar = bar
        self.alongside = None

    def file_read(self, name: str, read: int) -> None:
        self._show(self.finished + min(read, self.sizes.get(name, 0)), name)

    def file_done(self, done_files: int, total_files: int, name: str) -> None:
        self.finished += self.sizes.get(name, 0)
        self.files = f"{done_files}/{total_files}"
        self._show(self.finished, name)

    def _show(self, done: int, name: str) -> None:
        if self.alongside is not None:
            self.alongside.progress(done, self.total)
        if self.bar is not None:
            self.bar.update(done, f"file {self.files}: {Path(name).name[-40:]}")


class _ProgressBar:
    """tqdm on stderr, in bytes of input, created when the first progress comes."""

    def __init__(self, stream, total: int):
        self._stream = stream
        self._total = total
        self._bar = None

    def update(self, done: int, where: str) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(
                total=self._total,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                file=self._stream,
                dynamic_ncols=True,
            )
        self._bar.set_postfix_str(where, refresh=False)
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _finish_if_possible(batch, error: str) -> None:
    """Mark the run stopped in the import history, unless the full disk refuses that too: the
    command's own message says what happened either way."""
    with contextlib.suppress(OSError, DatabaseError):
        finish_command_run(batch, error)
