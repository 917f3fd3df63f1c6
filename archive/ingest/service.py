"""Import files into the archive: the one path used by `import_articles` and the admin.

An Importer is one run: it walks the paths it is given, reads each file by its format (a zip's
members and a WARC's pages as files of their own; archive.ingest.formats), and hands the records
of each file to one ArticleStore (archive.ingest.store: what happens to each article, duplicates
and all), then reports an Outcome per file or record (archive.ingest.report).

A file that cannot be read as a whole (not decodable, a malformed JSON document, a zip bomb, a
damaged WARC) is refused before anything in it is stored; a parser bug fails that file, not the
import. A preview (a dry run with a record limit) stops reading once it has seen enough, and says
how many files and records it left unread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from archive.ingest import records
from archive.ingest.archives import ArchiveError, Budget, read_warc, read_zip, too_large
from archive.ingest.decode import UnreadableFile
from archive.ingest.fields import Defaults
from archive.ingest.formats import (
    find_files,
    format_of,
    limits,
    parse_file,
    read_html,
    size_limit,
    supported,
)
from archive.ingest.plaintext import NoArticleError
from archive.ingest.report import FAILED, Outcome, Report
from archive.ingest.sanitize import clean_article
from archive.ingest.store import ArticleStore, OriginalFile
from archive.ingest.types import ParsedArticle

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


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
    ):
        self.defaults = defaults or Defaults()
        self.progress = progress
        # A preview stops storing (and reading new files) once this many records are done.
        self.record_limit = record_limit
        self._records_done = 0
        self._records_left_out = 0
        self.articles = ArticleStore(self.defaults, dry_run=dry_run)
        self._limits = limits()

    # Entry points ----------------------------------------------------------------------------

    def run_paths(self, paths: Iterable[Path], *, names: dict[Path, str] | None = None) -> Report:
        """Import files and folders; `names` gives a file a display name (uploads)."""
        report = Report()
        found = list(find_files(paths))
        for done, (path, problem) in enumerate(found, start=1):
            if self._limit_reached():
                report.unread_files = len(found) - done + 1
                break
            name = (names or {}).get(path, str(path))
            if problem:
                report.outcomes.append(Outcome(name, FAILED, problem))
            else:
                report.outcomes.extend(self.run_file_path(path, name))
            if self.progress:
                self.progress(done, len(found), name)
        report.unread_records = self._records_left_out
        return report

    def _limit_reached(self) -> bool:
        return self.record_limit is not None and self._records_done >= self.record_limit

    def run_file_path(self, path: Path, name: str) -> list[Outcome]:
        try:
            size = path.stat().st_size
            limit = size_limit(name, self._limits)
            if size > limit:
                return [Outcome(name, FAILED, too_large(size, limit))]
            data = path.read_bytes()
        except OSError as error:
            return [Outcome(name, FAILED, error.strerror or str(error))]
        return self.run_file(name, data)

    def run_file(
        self, name: str, data: bytes, *, depth: int = 0, budget=None, stored_name: str = ""
    ) -> list[Outcome]:
        """Import one file's content; `name` is what reports call it and decides its format.

        `stored_name` is the name the original keeps (a zip member's path inside the zip).
        """
        stored_name = stored_name or Path(name).name
        fmt = format_of(name)
        if fmt is None:
            return [Outcome(name, FAILED, f"unsupported file type (supported: {supported()})")]
        limit = size_limit(name, self._limits)
        if len(data) > limit:
            return [Outcome(name, FAILED, too_large(len(data), limit))]
        if fmt == "zip":
            return self._run_zip(name, data, depth, budget, stored_name)
        if fmt == "warc":
            return self._run_warc(name, data, stored_name)
        try:
            decoded, parsed = parse_file(fmt, data, name=name)
        except (UnreadableFile, records.RecordError, NoArticleError, ValueError) as error:
            return [Outcome(name, FAILED, str(error))]
        except Exception as error:  # a parser bug fails this file, not the import
            log.exception("parsing %s failed", name)
            return [Outcome(name, FAILED, f"could not be read ({type(error).__name__}: {error})")]
        original = OriginalFile(stored_name, data, fmt, decoded.encoding)
        return self._store_all(name, parsed, original, decoded.notes)

    # Containers ------------------------------------------------------------------------------

    def _run_zip(self, name: str, data: bytes, depth: int, budget, stored: str) -> list[Outcome]:
        budget = budget or Budget(self._limits)
        try:
            members = read_zip(data, self._limits, budget=budget, label=Path(name).name)
        except ArchiveError as error:
            return [Outcome(name, FAILED, str(error))]
        outcomes: list[Outcome] = []
        readable = 0
        for member in members:
            label = f"{name}/{member.name}"
            if member.error:
                outcomes.append(Outcome(label, FAILED, member.error))
                continue
            fmt = format_of(member.name)
            if fmt is None:
                continue  # pictures and stylesheets beside saved pages, as in a folder
            readable += 1
            if fmt == "zip" and depth >= 1:
                outcomes.append(
                    Outcome(
                        label,
                        FAILED,
                        "a zip inside a zip inside a zip is not read: "
                        "unpack the outer archives first",
                    )
                )
                continue
            outcomes.extend(
                self.run_file(
                    label,
                    member.data,
                    depth=depth + 1,
                    budget=budget,
                    stored_name=f"{stored}/{member.name}",
                )
            )
        if not readable and not outcomes:
            message = f"the zip holds no files to import (supported: {supported()})"
            return [Outcome(name, FAILED, message)]
        return outcomes

    def _run_warc(self, name: str, data: bytes, stored: str) -> list[Outcome]:
        try:
            pages = read_warc(data, self._limits, label=Path(name).name)
        except ArchiveError as error:
            return [Outcome(name, FAILED, str(error))]
        if not pages:
            return [Outcome(name, FAILED, "the WARC file holds no HTML page with status 200")]
        # Parse every page first: a damaged page fails alone, but only after the file was read.
        outcomes = []
        for page in pages:
            label = f"{name} (record {page.number}: {page.uri})"
            if page.error:
                outcomes.append(Outcome(label, FAILED, page.error))
                continue
            try:
                decoded, article = read_html(
                    page.data, page.charset, url=page.uri, language=self.defaults.language
                )
            except (UnreadableFile, NoArticleError, ValueError) as error:
                outcomes.append(Outcome(label, FAILED, str(error)))
                continue
            except Exception as error:  # a parser bug fails this page, not the capture
                log.exception("parsing %s failed", label)
                message = f"could not be read ({type(error).__name__}: {error})"
                outcomes.append(Outcome(label, FAILED, message))
                continue
            member_name = f"{stored}#record-{page.number}.html"
            original = OriginalFile(member_name, page.data, "html", decoded.encoding, page.uri)
            outcomes.extend(
                self._store_all(
                    label, [records.RecordResult("", None, article)], original, decoded.notes
                )
            )
        return outcomes

    # Handing records to the store ------------------------------------------------------------

    def _store_all(
        self,
        name: str,
        parsed: list[records.RecordResult],
        original: OriginalFile,
        notes: list[str],
    ) -> list[Outcome]:
        """Store the records of one file in order; a failed record fails alone, in its place."""
        outcomes: list[Outcome | None] = []
        # Records waiting to be stored: (their place in outcomes, article, number, label).
        waiting: list[tuple[int, ParsedArticle, int | None, str]] = []
        for index, item in enumerate(parsed):
            if self._limit_reached():
                self._records_left_out += len(parsed) - index
                break
            self._records_done += 1
            label = f"{name} ({item.position})" if item.position else name
            if item.error or item.article is None:
                outcomes.append(Outcome(label, FAILED, item.error or "no article"))
                continue
            article = clean_article(item.article)
            article.warnings = [*notes, *article.warnings]
            waiting.append((len(outcomes), article, item.number, label))
            outcomes.append(None)
        stored = self.articles.store_records([record for _, *record in waiting], original)
        for (place, *_), outcome in zip(waiting, stored, strict=True):
            outcomes[place] = outcome
        return outcomes
