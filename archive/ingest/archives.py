"""Zip archives, gzip streams and WARC captures, opened defensively. Pure (no Django).

A container is read completely — every member decompressed, within limits — before any article
in it is stored, so a refusal (a zip bomb, a truncated WARC) leaves nothing behind. The limits:

* ``max_file_bytes``: a member (or a WARC response body) larger than this fails on its own, like a
  file over the size limit;
* ``max_members``: more members than this refuses the archive;
* ``max_total_bytes``: the uncompressed total of an archive, nested ones included, is capped;
* ``max_ratio``: an entry that expands more than this many times (and by more than 1 MB) is a
  bomb, whatever its declared sizes say; sizes in headers can lie, so reading is capped too.

Zips may hold zips one level deep; a third level is refused for that member.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from archive.ingest.decode import UnreadableFile

__all__ = [
    "ArchiveError",
    "Budget",
    "Limits",
    "Member",
    "WarcPage",
    "human_size",
    "read_warc",
    "read_zip",
    "too_large",
]

MIN_BOMB_BYTES = 1024 * 1024  # tiny files may compress extremely well; only larger ones count
_CHUNK = 64 * 1024


class ArchiveError(UnreadableFile):
    """The archive as a whole is refused; nothing in it is imported."""


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20 * 1024 * 1024
    max_members: int = 5000
    max_total_bytes: int = 200 * 1024 * 1024
    max_ratio: float = 100.0


@dataclass
class Budget:
    """Uncompressed bytes still allowed for one top-level archive (shared with nested ones)."""

    limits: Limits
    used: int = 0

    def spend(self, amount: int, what: str) -> None:
        self.used += amount
        if self.used > self.limits.max_total_bytes:
            raise ArchiveError(
                f"{what} expands to more than {_mb(self.limits.max_total_bytes)} in total "
                "(a zip bomb?); nothing in it was imported"
            )


@dataclass
class Member:
    name: str  # path inside the archive
    data: bytes = b""
    error: str = ""  # when set, this member alone failed


def human_size(size: float) -> str:
    """2 MB, 1.5 MB, 200 KB: sizes as an editor reads them."""
    if size >= 1048576:
        return f"{size / 1048576:.1f}".removesuffix(".0") + " MB"
    return f"{max(size / 1024, 1):.0f} KB"


_mb = human_size


def _member_name(info: zipfile.ZipInfo) -> str:
    """Zips made on Windows store names in the OEM code page; Arabic ones are usually UTF-8 or
    Windows-1256 bytes read by Python as CP437."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "cp1256"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def _skipped(name: str) -> bool:
    parts = [part for part in re.split(r"[/\\]", name) if part]
    return not parts or any(part.startswith(".") or part == "__MACOSX" for part in parts)


def read_zip(
    data: bytes, limits: Limits, *, budget: Budget | None = None, label: str = "the zip"
) -> list[Member]:
    """Every file in the zip (folders walked, hidden files and __MACOSX left out), in order.

    Raises ArchiveError when the archive as a whole is refused.
    """
    budget = budget or Budget(limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as error:
        raise ArchiveError(f"not a readable zip archive ({error})") from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > limits.max_members:
            raise ArchiveError(
                f"{label} holds {len(infos)} files, more than the {limits.max_members} allowed; "
                "split it into smaller archives"
            )
        declared = sum(info.file_size for info in infos)
        if declared > limits.max_total_bytes:
            raise ArchiveError(
                f"{label} would expand to {_mb(declared)}, over the "
                f"{_mb(limits.max_total_bytes)} limit (a zip bomb?); nothing in it was imported"
            )
        members = []
        for info in sorted(infos, key=lambda i: _member_name(i)):
            name = _member_name(info)
            if _skipped(name):
                continue
            members.append(_read_member(archive, info, name, limits, budget, label))
        return members


def _read_member(archive, info, name, limits: Limits, budget: Budget, label: str) -> Member:
    if info.flag_bits & 0x1:
        return Member(name, error="the file is encrypted (password-protected zip)")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > MIN_BOMB_BYTES and ratio > limits.max_ratio:
        raise ArchiveError(
            f"{name} in {label} expands {ratio:.0f} times (over the {limits.max_ratio:.0f}x "
            "limit): a zip bomb? nothing in the archive was imported"
        )
    if info.file_size > limits.max_file_bytes:
        return Member(name, error=_too_large(info.file_size, limits))
    chunks, size = [], 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                # Headers can lie: enforce the limits on what actually comes out.
                if size > MIN_BOMB_BYTES and size > limits.max_ratio * max(info.compress_size, 1):
                    raise ArchiveError(
                        f"{name} in {label} expands more than {limits.max_ratio:.0f} times "
                        "its compressed size: a zip bomb? nothing in the archive was imported"
                    )
                if size > limits.max_file_bytes:
                    return Member(name, error=_too_large(size, limits, at_least=True))
                budget.spend(len(chunk), label)
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        return Member(name, error=f"cannot be unpacked ({error})")
    except RuntimeError as error:  # encrypted without a password, among others
        return Member(name, error=f"cannot be unpacked ({error})")
    return Member(name, b"".join(chunks))


def too_large(size: int, limit: int, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return f"the file is {more}{human_size(size)}, over the {human_size(limit)} limit"


def _too_large(size: int, limits: Limits, at_least: bool = False) -> str:
    return too_large(size, limits.max_file_bytes, at_least)


# --- gzip -------------------------------------------------------------------------------------


class CappedGunzip(io.RawIOBase):
    """A readable stream of gzip data (several members allowed, as in .warc.gz) that refuses to
    expand past the budget, or past `max_ratio` times the compressed size."""

    def __init__(self, data: bytes, budget: Budget, label: str):
        self._rest = data  # compressed bytes not yet given to the inflater
        self._compressed_size = max(len(data), 1)
        self._budget = budget
        self._label = label
        self._inflater = zlib.decompressobj(wbits=47)
        self._pending = bytearray()
        self._produced = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def _inflate_some(self) -> None:
        if self._inflater.eof:  # one gzip member ended; another may follow
            self._rest = self._inflater.unused_data + self._rest
            if not self._rest.strip(b"\x00"):
                self._done = True
                return
            self._inflater = zlib.decompressobj(wbits=47)
        if self._inflater.unconsumed_tail:
            feed = self._inflater.unconsumed_tail
        else:
            feed, self._rest = self._rest[:_CHUNK], self._rest[_CHUNK:]
            if not feed:
                raise ArchiveError(f"{self._label} is truncated (the gzip data ends early)")
        try:
            out = self._inflater.decompress(feed, _CHUNK)
        except zlib.error as error:
            raise ArchiveError(f"{self._label} is not valid gzip data ({error})") from None
        self._produced += len(out)
        ratio = self._budget.limits.max_ratio
        if self._produced > MIN_BOMB_BYTES and self._produced > ratio * self._compressed_size:
            raise ArchiveError(
                f"{self._label} expands more than {ratio:.0f} times its size "
                "(a gzip bomb?); nothing in it was imported"
            )
        self._budget.spend(len(out), self._label)
        self._pending += out

    def readinto(self, buffer) -> int:
        while len(self._pending) < len(buffer) and not self._done:
            self._inflate_some()
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        del self._pending[:size]
        return size


# --- WARC -------------------------------------------------------------------------------------


@dataclass
class WarcPage:
    number: int  # position of the record in the file, counting every record from 1
    uri: str
    data: bytes = b""
    charset: str = ""
    error: str = ""
    skipped: list[str] = field(default_factory=list)


_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(data: bytes, limits: Limits, *, label: str = "the WARC file") -> list[WarcPage]:
    """The HTML pages of a WARC (``response`` records with status 200), in file order.

    Redirects, errors, images and other records are passed over. Raises ArchiveError when the
    file as a whole cannot be read (not a WARC, truncated, a gzip bomb).
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    budget = Budget(limits)
    stream = (
        io.BufferedReader(CappedGunzip(data, budget, label), _CHUNK)
        if data[:2] == b"\x1f\x8b"
        else io.BytesIO(data)
    )
    if data[:2] != b"\x1f\x8b":
        budget.spend(len(data), label)
    pages = []
    seen = 0
    try:
        for number, record in enumerate(ArchiveIterator(stream), start=1):
            seen = number
            if record.format != "warc":
                raise ArchiveError("not a WARC file: it does not start with a WARC/1.x record")
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode()
            content_type = (record.http_headers.get_header("Content-Type") or "").lower()
            if status != "200" or not content_type.startswith(_HTML_TYPES):
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            charset = ""
            match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type)
            if match:
                charset = match.group(1)
            # content_stream() undoes chunking and Content-Encoding: cap what it may produce.
            body = record.content_stream().read(limits.max_file_bytes + 1)
            if len(body) > limits.max_file_bytes:
                pages.append(WarcPage(number, uri, error=_too_large(len(body), limits, True)))
                continue
            pages.append(WarcPage(number, uri, body, charset))
    except ArchiveError:
        raise
    except ArchiveLoadFailed as error:
        raise ArchiveError(f"not a readable WARC file ({error})") from None
    except (OSError, EOFError, ValueError, zlib.error) as error:
        where = f" after record {seen}" if seen else ""
        raise ArchiveError(f"the WARC file is damaged{where} ({error})") from None
    if not seen:
        raise ArchiveError("not a WARC file: no records found")
    return pages
