"""Import files into the archive: the one path used by `import_articles` and the admin.

An Importer is one run: it walks the paths it is given, reads each file by its format (a zip's
members and a WARC's pages as files of their own; archive.ingest.formats), and hands the records
of each file to one ArticleStore (archive.ingest.store: what happens to each article, duplicates
and all), then reports an Outcome per file or record (archive.ingest.report).

A file read whole that cannot be read (not decodable, a malformed JSON document, a zip bomb, a
damaged WARC) is refused before anything in it is stored; a parser bug fails that file, not the
import. JSON Lines and CSV are read record by record and stored a batch at a time, each record
with its own bytes as its original (archive.ingest.stream): memory does not grow with the file.
Outcomes go to a sink as they come when one is given (a long import keeps only its counts and
failures in memory), else into the Report. A preview (a dry run with a record limit) stops
reading once it has seen enough, and says how many files and records it left unread.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from archive.ingest import records
from archive.ingest.archives import ArchiveError, Budget, read_warc, read_zip, too_large
from archive.ingest.decode import UnreadableFile
from archive.ingest.fields import Defaults
from archive.ingest.formats import (
    STREAMED,
    StreamedRecords,
    find_files,
    format_of,
    limits,
    open_records,
    parse_file,
    read_html,
    size_limit,
    supported,
)
from archive.ingest.plaintext import NoArticleError
from archive.ingest.report import FAILED, Outcome, Report
from archive.ingest.sanitize import clean_article
from archive.ingest.store import STORE_BATCH, ArticleStore, OriginalFile
from archive.ingest.types import ParsedArticle

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
# Outcomes as they are produced, in order (e.g. saved to the import history as it goes).
Sink = Callable[[list[Outcome]], None]
# (name of the file being read, bytes of it read so far), while a file is read record by record.
ReadProgress = Callable[[str, int], None]


class Importer:
    """One import run: reads files (folders, archives) and stores their articles with one store,
    so the same near-duplicate index and in-run memory serve all its files."""

    def __init__(
        self,
        defaults: Defaults | None = None,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        record_limit: int | None = None,
        sink: Sink | None = None,
        read_progress: ReadProgress | None = None,
        cap_streamed: bool = True,
    ):
        self.defaults = defaults or Defaults()
        self.progress = progress
        self.read_progress = read_progress
        self.sink = sink
        # JSON Lines and CSV have the per-file limit too (admin uploads), or only the per-record
        # one (import_articles, which reads them from disk as they stream).
        self.cap_streamed = cap_streamed
        # A preview stops storing (and reading new files) once this many records are done.
        self.record_limit = record_limit
        self._records_done = 0
        self.articles = ArticleStore(self.defaults, dry_run=dry_run)
        self._limits = limits()
        self.report = Report()

    # Entry points ----------------------------------------------------------------------------

    def run_paths(self, paths: Iterable[Path], *, names: dict[Path, str] | None = None) -> Report:
        """Import files and folders; `names` gives a file a display name."""
        found = list(find_files(paths))
        for done, (path, problem) in enumerate(found, start=1):
            if self._limit_reached():
                self.report.unread_files = len(found) - done + 1
                break
            name = (names or {}).get(path, str(path))
            if problem:
                self._emit([Outcome(name, FAILED, problem)])
            else:
                self.run_file_path(path, name)
            if self.progress:
                self.progress(done, len(found), name)
        return self.report

    def run_sources(self, sources: Iterable[tuple[str, Callable[[], BinaryIO], int]]) -> Report:
        """Import files given as (name, opener, size): uploads waiting in the database."""
        sources = list(sources)
        for done, (name, opener, size) in enumerate(sources, start=1):
            if self._limit_reached():
                self.report.unread_files = len(sources) - done + 1
                break
            self.run_stream(name, opener, size)
            if self.progress:
                self.progress(done, len(sources), name)
        return self.report

    def _limit_reached(self) -> bool:
        return self.record_limit is not None and self._records_done >= self.record_limit

    def _emit(self, outcomes: list[Outcome]) -> None:
        if not outcomes:
            return
        if self.sink is not None:
            self.sink(outcomes)
        self.report.add(outcomes, keep=self.sink is None)

    def run_file_path(self, path: Path, name: str) -> None:
        try:
            size = path.stat().st_size
        except OSError as error:
            self._emit([Outcome(name, FAILED, error.strerror or str(error))])
            return
        self.run_stream(name, lambda: open(path, "rb"), size)  # noqa: SIM115 (opened in run_stream)

    def run_stream(self, name: str, opener: Callable[[], BinaryIO], size: int) -> None:
        """Import one file given as a binary stream (`opener` opens it) of `size` bytes."""
        fmt = format_of(name)
        streamed = fmt in STREAMED
        limit = size_limit(name, self._limits)
        if size > limit and not (streamed and not self.cap_streamed):
            self._emit([Outcome(name, FAILED, too_large(size, limit))])
            return
        try:
            with opener() as handle:
                if streamed:
                    self._run_records(name, handle, Path(name).name, fmt)
                    return
                data = handle.read()
        except OSError as error:
            self._emit([Outcome(name, FAILED, error.strerror or str(error))])
            return
        self.run_file(name, data)

    def run_file(
        self, name: str, data: bytes, *, depth: int = 0, budget=None, stored_name: str = ""
    ) -> None:
        """Import one file's content; `name` is what reports call it and decides its format.

        `stored_name` is the name the original keeps (a zip member's path inside the zip).
        """
        stored_name = stored_name or Path(name).name
        fmt = format_of(name)
        if fmt is None:
            message = f"unsupported file type (supported: {supported()})"
            self._emit([Outcome(name, FAILED, message)])
            return
        limit = size_limit(name, self._limits)
        if len(data) > limit:
            self._emit([Outcome(name, FAILED, too_large(len(data), limit))])
            return
        if fmt == "zip":
            self._run_zip(name, data, depth, budget, stored_name)
            return
        if fmt == "warc":
            self._run_warc(name, data, stored_name)
            return
        if fmt in STREAMED:
            self._run_records(name, io.BytesIO(data), stored_name, fmt)
            return
        try:
            decoded, parsed = parse_file(fmt, data, name=name)
        except (UnreadableFile, records.RecordError, NoArticleError, ValueError) as error:
            self._emit([Outcome(name, FAILED, str(error))])
            return
        except Exception as error:  # a parser bug fails this file, not the import
            log.exception("parsing %s failed", name)
            message = f"could not be read ({type(error).__name__}: {error})"
            self._emit([Outcome(name, FAILED, message)])
            return
        original = OriginalFile(stored_name, data, fmt, decoded.encoding)
        self._store_all(name, parsed, original, decoded.notes)

    # Record by record ------------------------------------------------------------------------

    def _run_records(self, name: str, handle: BinaryIO, stored: str, fmt: str) -> None:
        """A JSON Lines or CSV file, STORE_BATCH records at a time, each with its own original
        (its own bytes). A preview that has seen enough counts the rest without storing it."""
        waiting: list[tuple] = []
        try:
            encoding, items = open_records(fmt, handle)
        except UnreadableFile as error:
            self._emit([Outcome(name, FAILED, str(error))])
            return
        reading = iter(items)
        while True:
            try:
                item = next(reading, None)
            except (UnreadableFile, records.RecordError, ValueError) as error:
                self._store_waiting(waiting)
                self._emit([Outcome(name, FAILED, str(error))])
                return
            except Exception as error:  # a parser bug fails the rest of this file only
                log.exception("reading %s failed", name)
                self._store_waiting(waiting)
                message = f"could not be read ({type(error).__name__}: {error})"
                self._emit([Outcome(name, FAILED, message)])
                return
            if item is None:
                break
            if self._limit_reached():
                self.report.unread_records += 1
                continue
            self._records_done += 1
            waiting.append(self._record(name, stored, fmt, encoding.name, item))
            if len(waiting) >= STORE_BATCH:
                self._store_waiting(waiting, name, items)
        self._store_waiting(waiting, name, items)

    def _record(self, name: str, stored: str, fmt: str, encoding: str, item) -> tuple:
        """(article or failure, number, label, original) for one streamed record."""
        result = item.result
        label = f"{name} ({result.position})"
        if result.error or result.article is None:
            return (Outcome(label, FAILED, result.error or "no article"), None, label, None)
        article = clean_article(result.article)
        article.warnings = [*item.notes, *article.warnings]
        original = OriginalFile(f"{stored}#line-{result.number}", item.data, fmt, encoding)
        return (article, result.number, label, original)

    def _store_waiting(
        self, waiting: list[tuple], name: str = "", items: StreamedRecords | None = None
    ) -> None:
        """Store the records read so far, in order, and forget them."""
        to_store = [entry for entry in waiting if isinstance(entry[0], ParsedArticle)]
        stored = iter(self.articles.store_records(to_store))
        self._emit(
            [next(stored) if isinstance(entry[0], ParsedArticle) else entry[0] for entry in waiting]
        )
        waiting.clear()
        if items is not None and self.read_progress is not None:
            self.read_progress(name, items.bytes_read)

    # Containers ------------------------------------------------------------------------------

    def _run_zip(self, name: str, data: bytes, depth: int, budget, stored: str) -> None:
        budget = budget or Budget(self._limits)
        try:
            members = read_zip(data, self._limits, budget=budget, label=Path(name).name)
        except ArchiveError as error:
            self._emit([Outcome(name, FAILED, str(error))])
            return
        reported = False
        readable = 0
        for member in members:
            label = f"{name}/{member.name}"
            if member.error:
                self._emit([Outcome(label, FAILED, member.error)])
                reported = True
                continue
            fmt = format_of(member.name)
            if fmt is None:
                continue  # pictures and stylesheets beside saved pages, as in a folder
            readable += 1
            if fmt == "zip" and depth >= 1:
                message = (
                    "a zip inside a zip inside a zip is not read: unpack the outer archives first"
                )
                self._emit([Outcome(label, FAILED, message)])
                continue
            self.run_file(
                label,
                member.data,
                depth=depth + 1,
                budget=budget,
                stored_name=f"{stored}/{member.name}",
            )
        if not readable and not reported:
            message = f"the zip holds no files to import (supported: {supported()})"
            self._emit([Outcome(name, FAILED, message)])

    def _run_warc(self, name: str, data: bytes, stored: str) -> None:
        try:
            pages = read_warc(data, self._limits, label=Path(name).name)
        except ArchiveError as error:
            self._emit([Outcome(name, FAILED, str(error))])
            return
        if not pages:
            message = "the WARC file holds no HTML page with status 200"
            self._emit([Outcome(name, FAILED, message)])
            return
        # Parse every page first: a damaged page fails alone, but only after the file was read.
        for page in pages:
            label = f"{name} (record {page.number}: {page.uri})"
            if page.error:
                self._emit([Outcome(label, FAILED, page.error)])
                continue
            try:
                decoded, article = read_html(
                    page.data, page.charset, url=page.uri, language=self.defaults.language
                )
            except (UnreadableFile, NoArticleError, ValueError) as error:
                self._emit([Outcome(label, FAILED, str(error))])
                continue
            except Exception as error:  # a parser bug fails this page, not the capture
                log.exception("parsing %s failed", label)
                message = f"could not be read ({type(error).__name__}: {error})"
                self._emit([Outcome(label, FAILED, message)])
                continue
            member_name = f"{stored}#record-{page.number}.html"
            original = OriginalFile(member_name, page.data, "html", decoded.encoding, page.uri)
            self._store_all(
                label, [records.RecordResult("", None, article)], original, decoded.notes
            )

    # Handing records to the store ------------------------------------------------------------

    def _store_all(
        self,
        name: str,
        parsed: list[records.RecordResult],
        original: OriginalFile,
        notes: list[str],
    ) -> None:
        """Store the records of one file in order; a failed record fails alone, in its place."""
        waiting: list[tuple] = []
        for index, item in enumerate(parsed):
            if self._limit_reached():
                self.report.unread_records += len(parsed) - index
                break
            self._records_done += 1
            label = f"{name} ({item.position})" if item.position else name
            if item.error or item.article is None:
                waiting.append((Outcome(label, FAILED, item.error or "no article"),))
                continue
            article = clean_article(item.article)
            article.warnings = [*notes, *article.warnings]
            waiting.append((article, item.number, label, original))
        self._store_waiting(waiting)
