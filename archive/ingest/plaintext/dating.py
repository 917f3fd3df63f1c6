"""Dating a scraped text: its capture date, what a relative date is relative to, and warnings.

A WARC record's or an HTTP response's headers saved at the top of the file are dropped; their
Date is the day the page was captured, and a WARC-Target-URI is the article's URL
(``mark_transport_headers``). A publication date relative to the day the page was read ("أمس",
"منذ ساعتين", "last week") is read against a reference date (``reference``): that capture date,
else the date of a dateline at the head of the body, else a date in the file's name; without one
it stays unknown, with a warning (``resolve_relative``). ``date_warnings`` says what an editor
should check about an absolute publication date: none found, a converted Hijri one, several.
Pure.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from archive.ingest import dates
from archive.ingest.plaintext.credits import dateline_date
from archive.ingest.plaintext.state import Found, Item, Line

__all__ = ["date_warnings", "mark_transport_headers", "reference", "resolve_relative"]

DATELINE_ITEMS = 3  # a dateline opens one of the first few blocks of the body


_STATUS_LINE = re.compile(r"^(?:WARC/\d\.\d+|HTTP/\d(?:\.\d)?\s+\d{3}\b.*)$", re.IGNORECASE)
_HEADER_LINE = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9-]{0,40})\s*:\s*(?P<value>.*)$")
_KNOWN_HEADERS = frozenset(
    """
    date last-modified content-type content-length content-encoding content-language server
    connection cache-control expires etag set-cookie vary via age location transfer-encoding
    host accept-ranges strict-transport-security link pragma
    """.split()
)


def _is_known_header(name: str) -> bool:
    name = name.lower()
    return name in _KNOWN_HEADERS or name.startswith(("warc-", "x-"))


def mark_transport_headers(lines: list[Line], found: Found) -> None:
    """A WARC record's or an HTTP response's headers saved at the top of the file.

    They are dropped, and their Date (WARC-Date first) is kept as the day the page was
    captured: what "أمس" on the page means. A WARC-Target-URI is the article's URL. A block of
    header lines counts only when it holds a status line ("HTTP/1.1 200 OK", "WARC/1.0") or two
    known headers, so that a lone "Date: 6 February 2019" stays a date line.
    """
    block: list[tuple[Line, str, str]] = []
    line_kind: dict[int, str] = {}
    status = False
    kind = ""
    for line in lines:
        if _STATUS_LINE.match(line.text):
            if block and not line.after_gap:
                break  # a status line starts a block
            status = True
            kind = "WARC header" if line.text.upper().startswith("WARC") else "HTTP header"
            line_kind[id(line)] = kind
            block.append((line, "", ""))
            continue
        header = _HEADER_LINE.match(line.text)
        if header is None or (block and line.after_gap):
            break  # a blank line ends the headers; only a status line starts more
        if not (status or _is_known_header(header["name"])):
            break
        line_kind[id(line)] = kind or (
            "WARC header" if header["name"].upper().startswith("WARC-") else "HTTP header"
        )
        block.append((line, header["name"].lower(), header["value"]))
    known = sum(1 for _, name, _ in block if name and _is_known_header(name))
    if not (status or known >= 2):
        return
    stamps: dict[str, datetime] = {}
    for line, name, value in block:
        line.reason = line_kind[id(line)]
        if name in ("warc-date", "date") and (moment := dates.parse_timestamp(value)):
            stamps.setdefault(name, moment)
        if name == "warc-target-uri" and re.match(r"^https?://\S+$", value.strip("<> ")):
            found.url = found.url or value.strip("<> ")
    found.captured = stamps.get("warc-date") or stamps.get("date")


_FILE_DATES = (
    re.compile(
        r"(?<![0-9A-Za-z])(?P<y>(?:19|20)\d\d)(?P<s>[-_./]?)(?P<m>0[1-9]|1[0-2])(?P=s)"
        r"(?P<d>0[1-9]|[12]\d|3[01])(?![0-9A-Za-z])"
    ),
    re.compile(
        r"(?<![0-9A-Za-z])(?P<d>0?[1-9]|[12]\d|3[01])(?P<s>[-_.])(?P<m>0?[1-9]|1[0-2])(?P=s)"
        r"(?P<y>(?:19|20)\d\d)(?![0-9A-Za-z])"
    ),
)


def _date_in_name(name: str) -> date | None:
    """The last date written in a file name or path ("2019-02-06_story.txt", "20190206")."""
    found: list[tuple[int, date]] = []
    for pattern in _FILE_DATES:
        for match in pattern.finditer(name):
            try:
                found.append(
                    (match.start(), date(int(match["y"]), int(match["m"]), int(match["d"])))
                )
            except ValueError:
                continue
    return max(found)[1] if found else None


def reference(found: Found, texts: list[Item], name: str) -> tuple[date, str] | None:
    """What a relative date in the file is relative to, and where that came from.

    The capture date in an HTTP/WARC header is the day the page showed "أمس"; failing it, the
    date of a dateline at the head of the body ("بيروت، 6 فبراير 2019 (أ ف ب) -"); failing
    that, a date in the file's name.
    """
    if found.captured is not None:
        return found.captured, "the capture date in the file's HTTP/WARC header"
    for item in texts[:DATELINE_ITEMS]:
        if (when := dateline_date(item.text)) is not None:
            return when, "the date in the article's dateline"
    if name and (when := _date_in_name(name)) is not None:
        return when, "the date in the file name"
    return None


def resolve_relative(found: Found, reference: tuple[date, str] | None) -> list[str]:
    """Read "أمس"-style publication and update dates against the reference; the warnings."""
    if not found.relative and not found.relative_updated:
        return []
    if reference is None:
        if found.published is not None or not found.relative:
            return []
        return [
            f"The publication date is only given relative to the day the page was read "
            f"({found.relative!r}), and the file gives no reference date (an HTTP or WARC Date "
            "header, a dateline with a date, or a date in the file name); published is left "
            "empty."
        ]
    base, source = reference
    warnings = []
    if found.relative_updated and found.updated is None:
        updated = dates.parse_date(found.relative_updated, base)
        found.updated = updated.date if updated else None
    if found.relative and found.published is None:
        read = dates.parse_date(found.relative, base)
        shown = base.strftime("%Y-%m-%d %H:%M") if isinstance(base, datetime) else base.isoformat()
        if read is None:
            return [
                f"The publication date {found.relative!r} is too vague to read against "
                f"{source} ({shown}); published is left empty."
            ]
        found.published, found.precision = read.date, read.precision
        written = {dates.DAY: 10, dates.MONTH: 7, dates.YEAR: 4}[read.precision]
        warnings.append(
            f"Publication date read from {found.relative!r} against {source} ({shown}): "
            f"{read.date.isoformat()[:written]}."
        )
        if read.precision != dates.DAY:
            warnings.append(f"Only the {read.precision} of publication is known.")
    return warnings


def date_warnings(found: Found) -> list[str]:
    """What an editor should check about the publication date: none found, only a converted
    Hijri one, or several."""
    warnings = []
    if found.published is None and found.hijri_date is not None:
        warnings.append(
            f"Publication date {found.hijri_date.date.isoformat()} "
            f"{found.hijri_date.note}; check it."
        )
    elif found.published is None:
        message = (
            "No publication date found; published is left empty "
            "(dates mentioned inside the body are never used)."
        )
        if found.updated:
            message += f" An update date ({found.updated.isoformat()}) was found but not used."
        if found.hijri:
            message += " A Hijri date line was found but could not be converted."
        warnings.append(message)
    elif found.extra_published:
        others = ", ".join(day.isoformat() for day in found.extra_published)
        kept = found.published.isoformat()
        warnings.append(f"Several publication dates found; kept {kept}, ignored {others}.")
    return warnings
