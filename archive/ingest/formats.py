"""Which files an import reads, and how the bytes of one file become parsed records.

A file's format is its extension (FORMATS). Folders are walked for files of those formats; a file
may be as large as ARCHIVE_MAX_FILE_BYTES, an archive (zip, WARC) as large as what it may unpack
to. A text file read whole (txt, json, html) is decoded and parsed before anything in it is
stored, so a file-level error (not decodable, a malformed JSON document) leaves nothing behind.
JSON Lines and CSV (STREAMED) are read record by record (archive.ingest.stream), within
ARCHIVE_MAX_RECORD_BYTES a record; import_articles gives them no per-file limit. Zips and WARCs
are opened by archive.ingest.archives; the importer (archive.ingest.service) reads their members
as it reads files.

archive.ingest.html is imported inside ``read_html`` only: trafilatura and lxml take up to a
second to import, and most processes that import the importer (the web app, every management
command) seldom or never read a page.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

from archive.ingest import records, stream
from archive.ingest.archives import Limits
from archive.ingest.decode import DecodedText, decode
from archive.ingest.plaintext import parse_plaintext
from archive.ingest.sanitize import clean_article
from archive.ingest.types import ParsedArticle
from archive.models import Original

# Extension → format name. ".warc.gz" is matched before ".gz" would be.
FORMATS = {
    ".txt": "txt",
    ".json": "json",
    ".jsonl": "jsonl",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".zip": "zip",
    ".warc": "warc",
    ".warc.gz": "warc",
}


# Formats read record by record, never whole.
STREAMED = ("jsonl", "csv")


def format_of(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(".warc.gz"):
        return "warc"
    return FORMATS.get(Path(lower).suffix)


def supported() -> str:
    return ", ".join(sorted(FORMATS))


def limits() -> Limits:
    return Limits(
        max_file_bytes=settings.ARCHIVE_MAX_FILE_BYTES,
        max_members=settings.ARCHIVE_ZIP_MAX_FILES,
        max_total_bytes=settings.ARCHIVE_MAX_UNPACKED_BYTES,
        max_ratio=settings.ARCHIVE_MAX_COMPRESSION_RATIO,
    )


def size_limit(name: str, limits: Limits) -> int:
    """Archives (zip, WARC) hold many files: they may be as large as what they may unpack to;
    each file inside them has the per-file limit."""
    return limits.max_total_bytes if format_of(name) in ("zip", "warc") else limits.max_file_bytes


def find_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    """Yield (file, problem) for every path; folders are walked recursively in a stable order.

    Inside a folder, files of other kinds and hidden files are passed over silently (a folder of
    saved pages holds images too); a file named explicitly is always reported on.
    """
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and format_of(child.name):
                    yield child, ""
        elif path.is_file():
            yield path, ""
        else:
            yield path, "no such file or folder"


def read_html(
    data: bytes, charset: str = "", *, url: str = "", language: str = ""
) -> tuple[DecodedText, ParsedArticle]:
    """Decode a saved page and parse it; `charset` is what its transport named (a WARC's HTTP
    header), else the page's own declaration is used."""
    from archive.ingest.html import parse_html, sniff_charset

    decoded = decode(data, charset or sniff_charset(data))
    return decoded, parse_html(decoded.text, url=url, language=language)


def open_records(
    fmt: str, handle: BinaryIO, declared: str = ""
) -> tuple[stream.Encoding, Iterator[stream.Streamed]]:
    """The records of a JSON Lines or CSV stream, read one by one as they are iterated.

    The encoding is told from the first megabyte (UnreadableFile when it cannot be); `declared`
    is believed when those bytes are not UTF-8 and read cleanly with it."""
    sample = handle.read(stream.SAMPLE_BYTES)
    encoding = stream.detect(sample, declared)
    rest = io.BufferedReader(_Prefixed(sample, handle), buffer_size=256 * 1024)
    lines = stream.LineReader(rest, encoding, settings.ARCHIVE_MAX_RECORD_BYTES)
    reader = stream.read_jsonl if fmt == "jsonl" else stream.read_csv
    return encoding, StreamedRecords(reader(lines), lines)


class _Prefixed(io.RawIOBase):
    """Bytes already read (the sample) and then the rest of the stream, as one stream."""

    def __init__(self, prefix: bytes, handle: BinaryIO):
        self._prefix = memoryview(prefix)
        self._handle = handle

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._prefix:
            size = min(len(buffer), len(self._prefix))
            buffer[:size] = self._prefix[:size]
            self._prefix = self._prefix[size:]
            return size
        data = self._handle.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class StreamedRecords:
    """Iterates a stream's records; `bytes_read` says how far into the file it has got."""

    def __init__(self, items: Iterator[stream.Streamed], lines: stream.LineReader):
        self._items = items
        self._lines = lines

    def __iter__(self) -> Iterator[stream.Streamed]:
        return self._items

    @property
    def bytes_read(self) -> int:
        return self._lines.read


def parse_file(
    fmt: str, data: bytes, *, name: str = "", declared: str = ""
) -> tuple[DecodedText, list[records.RecordResult]]:
    """Decode and parse a whole text file before anything is written (file-level errors leave
    nothing). Returns the decoding and the records. `name` (the file's name or path) may date a
    scraped text whose publication date is only relative ("أمس"). `declared`: the encoding a
    record's original was read with (see open_records)."""
    if fmt == "html":
        decoded, article = read_html(data)
        return decoded, [records.RecordResult("", None, article)]
    if fmt in STREAMED:
        # Each record carries its own notes (the encoding, repairs on its lines).
        encoding, items = open_records(fmt, io.BytesIO(data), declared)
        parsed = []
        for item in items:
            if item.result.article is not None:
                item.result.article.warnings = [*item.notes, *item.result.article.warnings]
            parsed.append(item.result)
        return DecodedText("", encoding.name), parsed
    decoded = decode(data)
    if fmt == "txt":
        article = parse_plaintext(decoded.text, name=name)
        return decoded, [records.RecordResult("", None, article)]
    parsed = list(records.read_json(decoded.text))
    # A single-object JSON file is one article: report it by file name alone.
    if len(parsed) == 1:
        parsed[0].position = ""
    return decoded, parsed


def parse_original(original: Original, language: str = "") -> list[records.RecordResult]:
    """Parse a stored original again (for `reparse`); raises what a fresh import would."""
    data = bytes(original.content)
    fmt = original.format
    if fmt == "html":
        # The charset it was read with first (a WARC's HTTP header may have named it).
        decoded, article = read_html(
            data, original.encoding, url=original.source_url, language=language
        )
        items = [records.RecordResult("", None, article)]
    else:
        decoded, items = parse_file(fmt, data, name=original.filename, declared=original.encoding)
    for item in items:
        if item.article is not None:
            item.article = clean_article(item.article)
            item.article.warnings = [*decoded.notes, *item.article.warnings]
    return items
