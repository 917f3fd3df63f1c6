"""Which files an import reads, and how the bytes of one file become parsed records.

A file's format is its extension (FORMATS). Folders are walked for files of those formats; a file
may be as large as ARCHIVE_MAX_FILE_BYTES, an archive (zip, WARC) as large as what it may unpack
to. A text file (txt, json, jsonl, csv, html) is decoded and parsed whole before anything in it
is stored, so a file-level error (not decodable, a malformed JSON document) leaves nothing
behind. Zips and WARCs are opened by archive.ingest.archives; the importer (archive.ingest.service)
reads their members as it reads files.

archive.ingest.html is imported inside ``read_html`` only: trafilatura and lxml take up to a
second to import, and most processes that import the importer (the web app, every management
command) seldom or never read a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings

from archive.ingest import records
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


def parse_file(
    fmt: str, data: bytes, *, name: str = ""
) -> tuple[DecodedText, list[records.RecordResult]]:
    """Decode and parse a whole text file before anything is written (file-level errors leave
    nothing). Returns the decoding and the records. `name` (the file's name or path) may date a
    scraped text whose publication date is only relative ("أمس")."""
    if fmt == "html":
        decoded, article = read_html(data)
        return decoded, [records.RecordResult("", None, article)]
    decoded = decode(data)
    if fmt == "txt":
        article = parse_plaintext(decoded.text, name=name)
        return decoded, [records.RecordResult("", None, article)]
    reader = {"json": records.read_json, "jsonl": records.read_jsonl, "csv": records.read_csv}[fmt]
    parsed = list(reader(decoded.text))
    # A single-object JSON file is one article: report it by file name alone.
    if fmt == "json" and len(parsed) == 1:
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
        decoded, items = parse_file(fmt, data, name=original.filename)
    for item in items:
        if item.article is not None:
            item.article = clean_article(item.article)
            item.article.warnings = [*decoded.notes, *item.article.warnings]
    return items
