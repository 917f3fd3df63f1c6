"""Dates as Arabic and English news pages write them, with how precise they are. Pure functions.

``parse_date(text, base=None)`` reads one date written on its own ("الأربعاء 6 فبراير (شباط) 2019
م", "شباط 2019", "15 فيفري 2019", "٦/٢/٢٠١٩", "1 جمادى الآخرة 1440 هـ", "Published February 6,
2019") and returns a ``FoundDate`` with its precision ("day", "month" or "year"), or ``None``.

It never invents: a date without a year, or relative to "now" ("الحالي", "الشهر الماضي", "منذ
ساعتين", "yesterday"), is only read against a known ``base`` date (the article's own date, for
mentions in its body; the day a page was captured, for its "published yesterday"); without one it
stays unknown. A month-only date is stored as the 1st with precision "month", a year-only one as
1 January with precision "year". Relative dates are read by relative_dates: a date relative to
the day is a span of days, given here the finest precision that holds the whole span.

dateparser does the final reading, on text date_words.normalise has prepared (month names
written twice, Levantine and Maghrebi month names, Arabic-Indic digits, the Gregorian "م",
weekdays); Hijri dates are converted here with hijridate (Umm al-Qura calendar).
``parse_datetime_value`` reads the ISO dates of page metadata, ``parse_timestamp`` the date of an
HTTP or WARC header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from archive.ingest.date_words import BRACKETED_MONTH, ENGLISH_MONTHS, MONTH_RX, fold, normalise
from archive.ingest.relative_dates import RELATIVE_WORDS, relative_span, resolve_month_words

__all__ = [
    "DAY",
    "MONTH",
    "YEAR",
    "FoundDate",
    "parse_date",
    "parse_timestamp",
]

DAY, MONTH, YEAR = "day", "month", "year"
MIN_YEAR, MAX_YEAR = 1900, 2100


@dataclass(frozen=True)
class FoundDate:
    date: date
    precision: str  # DAY, MONTH or YEAR
    note: str = ""  # how it was read, when an editor should know (Hijri, relative to base)


_YEAR4 = re.compile(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)")
_NUMERIC_WITH_YEAR = re.compile(r"(?<!\d)\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{2}|\d{4})(?!\d)")
_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?"
    r"(?:[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)
_DAY_NUMBER = re.compile(r"(?<!\d)(?:[0-2]?\d|3[01])(?!\d)")

# --- Hijri months -----------------------------------------------------------------------------

_HIJRI_MONTHS = {
    "محرم": 1,
    "صفر": 2,
    "ربيع الاول": 3,
    "ربيع اول": 3,
    "ربيع الثاني": 4,
    "ربيع الاخر": 4,
    "ربيع ثاني": 4,
    "جمادي الاولي": 5,
    "جمادي الاول": 5,
    "جمادي الثانيه": 6,
    "جمادي الثاني": 6,
    "جمادي الاخره": 6,
    "جمادي الاخر": 6,
    "رجب": 7,
    "شعبان": 8,
    "رمضان": 9,
    "شوال": 10,
    "ذو القعده": 11,
    "ذي القعده": 11,
    "ذو الحجه": 12,
    "ذي الحجه": 12,
}
_HIJRI_NAMES = [
    name.replace("_", " ")
    for name in (
        "محرم صفر ربيع_الأول ربيع_الآخر جمادى_الأولى جمادى_الآخرة رجب شعبان رمضان شوال "
        "ذو_القعدة ذو_الحجة"
    ).split()
]
_HIJRI_ALTERNATION = "|".join(
    sorted((name.replace(" ", r"\s+") for name in _HIJRI_MONTHS), key=len, reverse=True)
)
_HIJRI = re.compile(
    rf"(?P<d>\d{{1,2}})\s+(?P<m>{_HIJRI_ALTERNATION})\s+(?P<y>\d{{4}})\s*(?:هـ|ه\b|ھ)?",
)

# --- reading ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _parser():
    from dateparser.date import DateDataParser

    # Absolute dates only: "relative-time" would read "3 hours ago" against today.
    return DateDataParser(
        languages=["en"],
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DAY_OF_MONTH": "first",
            "PARSERS": ["absolute-time", "custom-formats"],
            "STRICT_PARSING": False,
        },
    )


def parse_date(text: str, base: date | None = None) -> FoundDate | None:
    """Read `text` as one date; `base` is the date that relative words refer to, if known."""
    if not text or not text.strip() or len(text) > 200:
        return None
    folded = " ".join(BRACKETED_MONTH.sub("", fold(text)).split())
    iso = _ISO.fullmatch(folded.strip())
    if iso:
        return _from_iso(iso)

    hijri = _HIJRI.search(folded)
    if hijri:
        # A line with both calendars ("1 جمادى الآخرة 1440 هـ - 6 فبراير 2019 م"): the Gregorian
        # half is exact, the conversion may be a day off.
        rest = (folded[: hijri.start()] + " " + folded[hijri.end() :]).strip(" -–—|/,،")
        if rest and (MONTH_RX.search(rest) or _NUMERIC_WITH_YEAR.search(rest)):
            found = parse_date(rest, base)
            if found:
                return found
        return _from_hijri(hijri)

    span = relative_span(folded, base) if base is not None else None
    if span is not None:
        return _within(span)
    relative = resolve_month_words(folded, base)
    if relative is False:
        return None
    note = ""
    if relative is not None:
        folded, note = relative
    text = normalise(folded)
    if not text or RELATIVE_WORDS.search(text):
        return None
    has_year = bool(_YEAR4.search(text) or _NUMERIC_WITH_YEAR.search(text))
    month_name = re.search("|".join(ENGLISH_MONTHS), text)
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return FoundDate(date(year, 1, 1), YEAR, note) if MIN_YEAR <= year <= MAX_YEAR else None
    if not has_year:
        if base is None or not month_name:
            return None
        text = f"{text} {base.year}"
        note = note or f"year taken from the article's date ({base.isoformat()})"
    data = _parser().get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    found = data.date_obj.date()
    if not MIN_YEAR <= found.year <= MAX_YEAR:
        return None
    without_year = _YEAR4.sub(" ", text)
    if data.period == YEAR or (month_name is None and not _NUMERIC_WITH_YEAR.search(text)):
        return FoundDate(date(found.year, 1, 1), YEAR, note)
    if data.period == MONTH or (month_name and not _DAY_NUMBER.search(without_year)):
        return FoundDate(date(found.year, found.month, 1), MONTH, note)
    return FoundDate(found, DAY, note)


def _from_iso(match: re.Match) -> FoundDate | None:
    year, month = int(match["y"]), int(match["m"])
    try:
        if match["d"]:
            value, precision = date(year, month, int(match["d"])), DAY
        else:
            value, precision = date(year, month, 1), MONTH
    except ValueError:
        return None
    return FoundDate(value, precision) if MIN_YEAR <= year <= MAX_YEAR else None


def _from_hijri(match: re.Match) -> FoundDate | None:
    from hijridate import Hijri

    month = _HIJRI_MONTHS[" ".join(match["m"].split())]
    day, year = int(match["d"]), int(match["y"])
    try:
        gregorian = Hijri(year, month, day).to_gregorian()
    except (OverflowError, ValueError):
        return None
    value = date(gregorian.year, gregorian.month, gregorian.day)
    return FoundDate(
        value,
        DAY,
        f"converted from the Hijri date {day} {_HIJRI_NAMES[month - 1]} {year} AH "
        "(Umm al-Qura calendar; a local calendar may differ by a day)",
    )


def _within(span: tuple[date, date, str]) -> FoundDate | None:
    """The finest date that holds every day of the span."""
    first, last, note = span
    if first == last:
        return FoundDate(first, DAY, note)
    if (first.year, first.month) == (last.year, last.month):
        return FoundDate(date(first.year, first.month, 1), MONTH, note)
    if first.year == last.year:
        return FoundDate(date(first.year, 1, 1), YEAR, note)
    return None


def parse_datetime_value(value: str) -> FoundDate | None:
    """An ISO 8601 date/datetime as found in page metadata, else any date `parse_date` reads."""
    value = (value or "").strip()
    if not value:
        return None
    iso = _ISO.match(value)
    if iso and iso.end() >= min(len(value), 10):
        return _from_iso(iso)
    try:
        return FoundDate(datetime.fromisoformat(value.replace("Z", "+00:00")).date(), DAY)
    except ValueError:
        return parse_date(value)


def parse_timestamp(value: str) -> datetime | None:
    """A transport timestamp: an HTTP date ("Wed, 06 Feb 2019 10:45:00 GMT") or an ISO 8601
    one (a WARC-Date, "2019-02-06T10:45:00Z"), in UTC without its zone; None if unreadable."""
    from email.utils import parsedate_to_datetime

    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment if MIN_YEAR <= moment.year <= MAX_YEAR else None
