"""JSON Lines and CSV read record by record, so memory does not grow with the file. Pure.

A structured export may be gigabytes; its records are small. The encoding is decided once, from
a leading sample (archive.ingest.decode's order: a byte-order mark, then binary or not, then
strict UTF-8, then detection), and every line is then decoded on its own: a line the encoding
does not read fails alone, named by its number. A record longer than the per-record limit is
refused by its line number without being held in memory (its bytes are skipped).

Each record comes with its own bytes (its lines as they arrived; for CSV the header row first, so
it is a CSV file of one record), which the importer keeps as that record's original.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from archive.ingest.archives import human_size
from archive.ingest.decode import (
    UnreadableFile,
    display_name,
    looks_binary,
    not_utf8,
    other_encoding,
    repair_mojibake,
)
from archive.ingest.records import RecordError, RecordResult, result

# The encoding of a streamed file is decided from its first megabyte.
SAMPLE_BYTES = 1024 * 1024
_SKIP_CHUNK = 64 * 1024
# UTF-32 before UTF-16: the UTF-32 LE mark starts with the UTF-16 LE one.
_WIDE = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


@dataclass
class Encoding:
    codec: str  # what decodes one line
    name: str  # the display name kept on the original
    notes: list[str] = field(default_factory=list)
    # UTF-16/32: its byte-order mark (put before each record's bytes so they decode alone);
    # lines are then read through a text decoder, not split on the byte b"\n".
    bom: bytes = b""
    skip: int = 0  # bytes of a byte-order mark at the start of the file


def detect(sample: bytes, declared: str = "") -> Encoding:
    """The encoding of a file from its first bytes; raises UnreadableFile as decode() would.

    `declared` is an encoding to believe when the sample is not UTF-8 and reads cleanly with it
    (a record's original, re-read with the encoding its file was read with)."""
    if not sample.strip():
        raise UnreadableFile("the file is empty")
    for bom, codec, name in _WIDE:
        if sample.startswith(bom):
            return Encoding(codec, name, [f"decoded as {name} (not UTF-8)"], bom, len(bom))
    if looks_binary(sample):
        raise UnreadableFile("the file is binary, not text")
    skip = len(codecs.BOM_UTF8) if sample.startswith(codecs.BOM_UTF8) else 0
    try:
        # Not final: the sample may end inside a character.
        codecs.getincrementaldecoder("utf-8")().decode(sample[skip:], final=False)
        return Encoding("utf-8", "UTF-8", skip=skip)
    except UnicodeDecodeError as error:
        first_bad = error.start + skip
    whole_lines = sample[: sample.rfind(b"\n") + 1] or sample
    codec, _ = other_encoding(whole_lines, declared, first_bad)
    name = display_name(codec)
    return Encoding(codec, name, [not_utf8(name)])


@dataclass
class Line:
    number: int
    raw: bytes  # as it arrived (UTF-16/32: without the byte-order mark)
    text: str = ""
    notes: list[str] = field(default_factory=list)
    error: str = ""
    # The rest of the file cannot be read after this error.
    final: bool = False


class LineReader:
    """The lines of a binary stream, decoded one at a time; `read` counts the bytes consumed."""

    def __init__(self, handle: BinaryIO, encoding: Encoding, limit: int):
        self.handle = handle
        self.encoding = encoding
        self.limit = limit
        self.read = 0

    def over(self, number: int, size: int, at_least: bool = False) -> str:
        more = "more than " if at_least else ""
        return (
            f"the record on line {number} is {more}{human_size(size)}, over the per-record "
            f"limit of {human_size(self.limit)} (ARCHIVE_MAX_RECORD_MB)"
        )

    def __iter__(self) -> Iterator[Line]:
        self.read += len(self.handle.read(self.encoding.skip))
        if self.encoding.bom:
            yield from self._wide()
            return
        number = 0
        while raw := self.handle.readline(self.limit + 1):
            number += 1
            self.read += len(raw)
            if len(raw) > self.limit and not raw.endswith(b"\n"):
                size = len(raw) + self._skip_line()
                yield Line(number, b"", error=self.over(number, size))
                continue
            yield self._decoded(number, raw)

    def _skip_line(self) -> int:
        skipped = 0
        while chunk := self.handle.readline(_SKIP_CHUNK):
            skipped += len(chunk)
            if chunk.endswith(b"\n"):
                break
        self.read += skipped
        return skipped

    def _decoded(self, number: int, raw: bytes) -> Line:
        try:
            text = raw.decode(self.encoding.codec)
        except UnicodeDecodeError as error:
            return Line(
                number,
                raw,
                error=f"not valid {self.encoding.name} at byte {error.start + 1} of the line "
                f"(the file was read as {self.encoding.name} from its first lines)",
            )
        text, repaired = repair_mojibake(text)
        notes = list(self.encoding.notes)
        if repaired:
            notes.append(
                f"repaired {repaired} run{'s' if repaired > 1 else ''} of garbled Arabic "
                "(UTF-8 once read as Windows-1256)"
            )
        return Line(number, raw, text, notes)

    def _wide(self) -> Iterator[Line]:
        """UTF-16/32: lines from a text decoder (a newline is several bytes there)."""
        codec = self.encoding.codec
        text_stream = io.TextIOWrapper(self.handle, encoding=codec, errors="strict", newline="")
        number = 0
        while True:
            try:
                text = text_stream.readline(self.limit + 1)
            except UnicodeDecodeError as error:
                message = f"not valid {self.encoding.name} near line {number + 1}: {error.reason}"
                yield Line(number + 1, b"", error=message, final=True)
                return
            if not text:
                return
            number += 1
            raw = text.encode(codec)
            self.read += len(raw)
            if len(raw) > self.limit and not text.endswith(("\n", "\r")):
                size = len(raw)
                while rest := text_stream.readline(_SKIP_CHUNK):
                    size += len(rest.encode(codec))
                    if rest.endswith(("\n", "\r")):
                        break
                self.read += size - len(raw)
                yield Line(number, b"", error=self.over(number, size))
                continue
            yield self._decoded(number, raw)


@dataclass
class Streamed:
    """One record of a streamed file and the bytes to keep as its original."""

    result: RecordResult
    data: bytes
    notes: list[str] = field(default_factory=list)


def read_jsonl(lines: LineReader) -> Iterator[Streamed]:
    """JSON Lines: one article object per line; blank lines are ignored."""
    seen = False
    bom = lines.encoding.bom
    for line in lines:
        position = f"line {line.number}"
        if line.error:
            seen = True
            yield Streamed(RecordResult(position, line.number, error=line.error), b"")
            if line.final:
                return
            continue
        if not line.text.strip():
            continue
        seen = True
        try:
            record = json.loads(line.text)
        except json.JSONDecodeError as error:
            message = f"malformed JSON at column {error.colno}: {error.msg}"
            yield Streamed(RecordResult(position, line.number, error=message), b"")
            continue
        yield Streamed(result(position, line.number, record), bom + line.raw, line.notes)
    if not seen:
        raise RecordError("the file has no records")


class _Stop(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def read_csv(lines: LineReader) -> Iterator[Streamed]:
    """CSV with a header row naming the documented keys; a quoted cell may span lines.

    csv decides where records end; the lines it takes for one are gathered as its bytes. After a
    record over the limit, or a line that cannot be decoded, where the next record starts is
    unknown: the rest of the file is not read (and the message says so).
    """
    pending: list[Line] = []
    size = 0
    stop: _Stop | None = None

    def feed() -> Iterator[str]:
        nonlocal size, stop
        for line in lines:
            first = pending[0].number if pending else line.number
            if line.error:
                stop = _Stop(first, line.error)
                return
            pending.append(line)
            size += len(line.raw)
            if size > lines.limit:
                stop = _Stop(first, lines.over(first, size, at_least=True))
                return
            yield line.text

    # csv's own cap on a cell (128 KB) would refuse a long body: records are capped by size.
    csv.field_size_limit(max(csv.field_size_limit(), lines.limit))
    reader = csv.reader(feed())
    header: list[str] | None = None
    header_bytes = b""
    seen = False
    while True:
        try:
            row = next(reader, None)
        except csv.Error as error:
            number = pending[0].number if pending else 0
            stop = stop or _Stop(number, f"malformed CSV: {error}")
            row = None
        if stop is not None:
            rest = "; the rest of the file is not read (where its next record starts is unknown)"
            number = stop.line
            yield Streamed(RecordResult(f"line {number}", number, error=f"{stop}{rest}"), b"")
            return
        if row is None:
            break
        taken, pending[:] = list(pending), []
        size = 0
        if not row:  # a blank line
            continue
        data = b"".join(line.raw for line in taken)
        if header is None:
            header, header_bytes = [name.strip() for name in row], data
            missing = {"title", "body"} - set(header)
            if missing:
                raise RecordError(
                    "the header row must name the columns title and body "
                    f"(missing: {', '.join(sorted(missing))})"
                )
            continue
        seen = True
        number = taken[0].number
        position = f"line {number}"
        if len(row) > len(header):
            error = "more cells than the header has columns"
            yield Streamed(RecordResult(position, number, error=error), b"")
            continue
        record = {key: value for key, value in zip(header, row, strict=False) if key}
        notes = list(dict.fromkeys(note for line in taken for note in line.notes))
        data = lines.encoding.bom + header_bytes + data
        yield Streamed(result(position, number, record), data, notes)
    if header is None:
        raise RecordError("the file has no records")
    if not seen:
        raise RecordError("the CSV file has a header but no records")
