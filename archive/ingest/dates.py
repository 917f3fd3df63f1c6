"""Dates as Arabic and English news pages write them, with how precise they are. Pure functions.

``parse_date(text, base=None)`` reads one date written on its own ("الأربعاء 6 فبراير (شباط) 2019
م", "شباط 2019", "15 فيفري 2019", "٦/٢/٢٠١٩", "1 جمادى الآخرة 1440 هـ", "Published February 6,
2019") and returns a ``FoundDate`` with its precision ("day", "month" or "year"), or ``None``.

It never invents: a date without a year, or relative to "now" ("الحالي", "الشهر الماضي", "منذ
ساعتين", "yesterday"), is only read against a known ``base`` date (the article's own date, for
mentions in its body; the day a page was captured, for its "published yesterday"); without one it
stays unknown. A month-only date is stored as the 1st with precision "month", a year-only one as
1 January with precision "year".

A date relative to the day ("أمس", "منذ ساعتين", "الأسبوع الماضي", "3 days ago", "last month") is
read as the span of days it can mean (``relative_span``), and given the finest precision that
holds the whole span: "أمس" is a day; "منذ ساعتين" is a day when ``base`` carries the time of day
(a ``datetime``) and the two hours stay within it, else the month both days are in; "الأسبوع
الماضي" is a month when the week falls within one. ``is_relative`` says whether a text is such a
date at all, so that one without a base can be flagged rather than silently dropped.

dateparser does the final reading; the pre-normaliser below handles what it misses: month names
written twice ("12 يوليو (تموز) 2018"), Levantine and Maghrebi month names (شباط, فيفري, جانفي,
غشت …), Arabic-Indic digits, the Gregorian "م" after a year, Arabic weekdays next to a month name,
"this month" words, and Hijri dates (converted with hijridate, Umm al-Qura calendar).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

__all__ = [
    "DAY",
    "MONTH",
    "YEAR",
    "FoundDate",
    "is_relative",
    "normalise",
    "parse_date",
    "parse_timestamp",
    "relative_span",
]

DAY, MONTH, YEAR = "day", "month", "year"
MIN_YEAR, MAX_YEAR = 1900, 2100


@dataclass(frozen=True)
class FoundDate:
    date: date
    precision: str  # DAY, MONTH or YEAR
    note: str = ""  # how it was read, when an editor should know (Hijri, relative to base)


# --- normalising ------------------------------------------------------------------------------

_MARKS = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u0640\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)
_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})

# Every spelling of each Gregorian month, in folded form (see _fold): Egyptian/Gulf, Levantine
# (Syriac), Maghrebi (French) and Moroccan names, and English.
_MONTH_NAMES = {
    1: "يناير كانون الثاني جانفي جانفييه january jan",
    2: "فبراير فبرايل شباط فيفري february feb",
    3: "مارس اذار march mar",
    4: "ابريل نيسان افريل april apr",
    5: "مايو ايار ماي may",
    6: "يونيو يونيه حزيران جوان june jun",
    7: "يوليو يوليه تموز جويليه جويلية يوليوز july jul",
    8: "اغسطس اغسطوس اب اوت غشت august aug",
    9: "سبتمبر ايلول شتنبر september sept sep",
    10: "اكتوبر تشرين الاول october oct",
    11: "نوفمبر تشرين الثاني نونبر november nov",
    12: "ديسمبر كانون الاول دجنبر december dec",
}
_ENGLISH_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_MULTIWORD = ("كانون الثاني", "كانون الاول", "تشرين الاول", "تشرين الثاني")


def _month_lookup() -> dict[str, int]:
    table = {}
    for number, names in _MONTH_NAMES.items():
        words = names
        for multi in _MULTIWORD:
            if multi in words:
                table[multi] = number
                words = words.replace(multi, "")
        for word in words.split():
            table[word] = number
    return table


_MONTH_NUMBER = _month_lookup()
_MONTH_ALTERNATION = "|".join(sorted(map(re.escape, _MONTH_NUMBER), key=len, reverse=True))
_MONTH = rf"(?<![^\W\d_])(?:{_MONTH_ALTERNATION})\.?(?![^\W\d_])"
_MONTH_RX = re.compile(_MONTH, re.IGNORECASE)
# "يوليو (تموز)" / "تموز (يوليو)" / "July (تموز)": the second name in brackets repeats the first.
_BRACKETED_MONTH = re.compile(rf"\s*[(\[]\s*(?:{_MONTH})\s*[)\]]", re.IGNORECASE)

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

_WEEKDAYS = re.compile(
    r"(?<![^\W\d_])(?:يوم\s+)?(?:ال)?(?:احد|اثنين|ثلاثاء|اربعاء|خميس|جمعه|سبت)(?![^\W\d_])\s*[,،]?"
)
# Words around a date that carry no date: labels, "on", the Gregorian marker after a year.
_NOISE = re.compile(
    r"(?<![^\W\d_])(?:نشر(?:ت)?|تاريخ\s+النشر|بتاريخ|التاريخ|تاريخ|في|الموافق|الساعه|توقيت"
    r"|published|posted|on|at|date)(?![^\W\d_])\s*[:：]?",
    re.IGNORECASE,
)
_GREGORIAN_MARK = re.compile(r"(?<=\d)\s*م(?![^\W\d_])")
_AM_PM = (
    (re.compile(r"(?<![^\W\d_])(?:ص|صباحا|صباح)(?![^\W\d_])"), "AM"),
    (re.compile(r"(?<![^\W\d_])(?:م|مساء|مساءا|ظهرا|عصرا)(?![^\W\d_])"), "PM"),
)
_TIMEZONE = re.compile(
    r"\(?\s*(?:ت\.?\s?غ|بتوقيت\s+\S+(?:\s+\S+)?|توقيت\s+\S+(?:\s+\S+)?)\s*\)?",
)

# Relative to a base date.
_CURRENT = r"(?:الحالي|الجاري|هذا|الراهن)"
_THIS_MONTH = re.compile(rf"(?:من\s+)?(?:الشهر|شهر)\s+{_CURRENT}|(?:من\s+)?هذا\s+الشهر")
_LAST_MONTH = re.compile(r"(?:من\s+)?(?:الشهر|شهر)\s+(?:الماضي|المنصرم|السابق)")
_MONTH_THEN_CURRENT = re.compile(rf"(?P<mon>{_MONTH})\s+{_CURRENT}(?![^\W\d_])", re.IGNORECASE)
_MONTH_THEN_PAST = re.compile(
    rf"(?P<mon>{_MONTH})\s+(?:الماضي|المنصرم|السابق)(?![^\W\d_])", re.IGNORECASE
)
_MONTH_THEN_NEXT = re.compile(
    rf"(?P<mon>{_MONTH})\s+(?:المقبل|القادم|المقبله)(?![^\W\d_])", re.IGNORECASE
)
_THIS_YEAR = re.compile(rf"(?:العام|عام|السنه|سنه)\s+{_CURRENT}")
_RELATIVE_WORDS = re.compile(
    r"(?<![^\W\d_])(?:امس|اليوم|غدا|البارحه|منذ|قبل|بعد|الماضي|المقبل|القادم|yesterday|today"
    r"|tomorrow|ago|last|next|this)(?![^\W\d_])",
    re.IGNORECASE,
)
_YEAR4 = re.compile(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)")
_NUMERIC_WITH_YEAR = re.compile(r"(?<!\d)\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{2}|\d{4})(?!\d)")
_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?"
    r"(?:[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)
_DAY_NUMBER = re.compile(r"(?<!\d)(?:[0-2]?\d|3[01])(?!\d)")


def _fold(text: str) -> str:
    return _MARKS.sub("", text).translate(_DIGITS).translate(_ALEF)


def normalise(text: str) -> str:
    """Folded text with month names in English and Arabic-only date noise removed."""
    text = " ".join(_fold(text).split())
    text = _BRACKETED_MONTH.sub("", text)
    text = _TIMEZONE.sub(" ", text)
    text = _GREGORIAN_MARK.sub("", text)
    text = _WEEKDAYS.sub(" ", text)
    text = _NOISE.sub(" ", text)
    text = _MONTH_RX.sub(lambda m: _english_month(m.group(0)), text)
    for pattern, replacement in _AM_PM:
        text = pattern.sub(replacement, text)
    text = text.replace("،", ",").replace("؛", ";")
    return " ".join(text.split()).strip(" ,;:-–—|")


def _english_month(name: str) -> str:
    return _ENGLISH_MONTHS[_MONTH_NUMBER[" ".join(name.lower().rstrip(".").split())] - 1]


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
    folded = " ".join(_BRACKETED_MONTH.sub("", _fold(text)).split())
    iso = _ISO.fullmatch(folded.strip())
    if iso:
        return _from_iso(iso)

    hijri = _HIJRI.search(folded)
    if hijri:
        # A line with both calendars ("1 جمادى الآخرة 1440 هـ - 6 فبراير 2019 م"): the Gregorian
        # half is exact, the conversion may be a day off.
        rest = (folded[: hijri.start()] + " " + folded[hijri.end() :]).strip(" -–—|/,،")
        if rest and (_MONTH_RX.search(rest) or _NUMERIC_WITH_YEAR.search(rest)):
            found = parse_date(rest, base)
            if found:
                return found
        return _from_hijri(hijri)

    span = relative_span(folded, base) if base is not None else None
    if span is not None:
        return _within(span)
    relative = _resolve_relative(folded, base)
    if relative is False:
        return None
    note = ""
    if relative is not None:
        folded, note = relative
    text = normalise(folded)
    if not text or _RELATIVE_WORDS.search(text):
        return None
    has_year = bool(_YEAR4.search(text) or _NUMERIC_WITH_YEAR.search(text))
    month_name = re.search("|".join(_ENGLISH_MONTHS), text)
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


def _resolve_relative(folded: str, base: date | None) -> tuple[str, str] | bool | None:
    """Replace "this month"-style words with the month/year they mean against `base`.

    Returns the rewritten text and a note, None when there is nothing relative, or False when the
    text is relative but no base is known (the date stays unknown).
    """
    patterns = (_THIS_MONTH, _LAST_MONTH, _MONTH_THEN_CURRENT, _MONTH_THEN_PAST, _MONTH_THEN_NEXT)
    if not any(p.search(folded) for p in (*patterns, _THIS_YEAR)):
        return None
    if base is None:
        return False
    text = folded

    def month_year(year: int, month: int) -> str:
        return f"{_ENGLISH_MONTHS[month - 1]} {year}"

    text = _THIS_MONTH.sub(lambda m: " " + month_year(base.year, base.month), text)
    previous = (base.year, base.month - 1) if base.month > 1 else (base.year - 1, 12)
    text = _LAST_MONTH.sub(lambda m: " " + month_year(*previous), text)

    def named(match: re.Match, shift: str) -> str:
        month = _MONTH_NUMBER[" ".join(match["mon"].lower().rstrip(".").split())]
        year = base.year
        if shift == "past" and month >= base.month:
            year -= 1
        elif shift == "next" and month <= base.month:
            year += 1
        return month_year(year, month)

    text = _MONTH_THEN_CURRENT.sub(lambda m: named(m, "current"), text)
    text = _MONTH_THEN_PAST.sub(lambda m: named(m, "past"), text)
    text = _MONTH_THEN_NEXT.sub(lambda m: named(m, "next"), text)
    text = _THIS_YEAR.sub(f" {base.year}", text)
    return text, f"read against the article's date ({base.isoformat()})"


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


# --- relative to the day ------------------------------------------------------------------------

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "واحد": 1, "واحده": 1, "اثنين": 2, "اثنتين": 2, "ثلاث": 3,
    "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6, "سبع": 7,
    "سبعه": 7, "ثماني": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9, "عشر": 10, "عشره": 10,
}  # fmt: skip
# Units, folded: singular, dual (a count of two by itself) and plural.
_UNITS = {
    "second": ("ثانيه", "ثانيتين", "ثوان ثواني seconds second secs sec"),
    "minute": ("دقيقه", "دقيقتين", "دقائق minutes minute mins min"),
    "hour": ("ساعه", "ساعتين", "ساعات hours hour hrs hr"),
    "day": ("يوم يوما", "يومين", "ايام days day"),
    "week": ("اسبوع", "اسبوعين", "اسابيع weeks week"),
    "month": ("شهر", "شهرين", "اشهر شهور months month"),
    "year": ("سنه عام", "سنتين عامين", "سنوات اعوام years year"),
}
_UNIT_OF: dict[str, tuple[str, int | None]] = {}
for _unit, (_one, _two, _many) in _UNITS.items():
    _UNIT_OF.update({word: (_unit, 1) for word in _one.split()})
    _UNIT_OF.update({word: (_unit, 2) for word in _two.split()})
    _UNIT_OF.update({word: (_unit, None) for word in _many.split()})
_UNIT_WORDS = "|".join(sorted(_UNIT_OF, key=len, reverse=True))
_COUNT = r"(?:\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_AGO = re.compile(
    rf"^(?:(?:منذ|قبل)\s+(?:(?P<n1>{_COUNT})\s+)?(?P<u1>{_UNIT_WORDS})"
    rf"|(?P<n2>{_COUNT})\s+(?P<u2>{_UNIT_WORDS})\s+ago)$",
    re.IGNORECASE,
)
_DAY_OFFSETS = (
    (re.compile(r"^(?:اول\s+امس|امس\s+الاول|the\s+day\s+before\s+yesterday)$", re.I), 2),
    (
        re.compile(
            r"^(?:(?:يوم\s+)?(?:ال)?امس|البارحه|(?:ليله|ليل)\s+(?:ال)?امس|الليله\s+الماضيه"
            r"|yesterday|last\s+night)$",
            re.I,
        ),
        1,
    ),
    (
        re.compile(
            r"^(?:اليوم|هذا\s+اليوم|today|tonight|this\s+(?:morning|afternoon|evening))$", re.I
        ),
        0,
    ),
)
_PERIOD_UNITS = {"اسبوع": "week", "شهر": "month", "عام": "year", "سنه": "year"}
_LAST_PERIOD = re.compile(
    r"^(?:last\s+(?P<en>week|month|year)"
    r"|(?:ال)?(?P<ar>اسبوع|شهر|عام|سنه)\s+(?:الماضي|الماضيه|المنصرم|المنصرمه|السابق|السابقه))$",
    re.IGNORECASE,
)
_THIS_PERIOD = re.compile(
    r"^(?:this\s+(?P<en>week|month|year)|(?:هذا|هذه)\s+(?:ال)?(?P<ar>اسبوع|شهر|عام|سنه)"
    r"|(?:ال)?(?P<ar2>اسبوع|شهر|عام|سنه)\s+(?:الحالي|الحاليه|الجاري|الجاريه))$",
    re.IGNORECASE,
)
_WEEKDAY_NAMES = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "اثنين": 0, "ثلاثاء": 1, "اربعاء": 2, "خميس": 3, "جمعه": 4, "سبت": 5, "احد": 6,
}  # fmt: skip
_LAST_WEEKDAY = re.compile(
    r"^(?:last\s+(?P<en>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|(?:يوم\s+)?(?:ال)?(?P<ar>اثنين|ثلاثاء|اربعاء|خميس|جمعه|سبت|احد)\s+(?:الماضي|المنصرم|السابق))$",
    re.I,
)
# Time of day and words around a relative date that do not change the day it names.
_TIME_OF_DAY = re.compile(
    r"(?:\b(?:at|around)\s+|(?<![^\W\d_])(?:الساعه|عند|حوالي)\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?"
    r"\s*(?:am|pm|a\.m\.|p\.m\.|(?<![^\W\d_])(?:ص|م|صباحا|مساء)(?![^\W\d_]))?"
    r"(?:\s*\(?\s*(?:gmt|utc|et|bst|cet|eet|ت\.?\s?غ|(?:ب)?توقيت\s+\S+(?:\s+\S+)?)\s*\)?)?",
    re.IGNORECASE,
)
_PART_OF_DAY = re.compile(
    r"(?<![^\W\d_])(?:صباح|مساء|ظهر|عصر|فجر|ظهيره|ليل)(?![^\W\d_])(?=\s+(?:ال)?(?:امس|اليوم))"
    r"|(?<=yesterday)\s+(?:morning|afternoon|evening)|(?<=today)\s+(?:morning|afternoon|evening)",
    re.IGNORECASE,
)
# Week starts: Saturday, Sunday and Monday are each the first day of the week somewhere.
_WEEK_STARTS = (5, 6, 0)


def _relative_text(folded: str) -> str:
    text = _TIME_OF_DAY.sub(" ", folded)
    text = _PART_OF_DAY.sub(" ", text)
    text = _NOISE.sub(" ", text)
    text = text.replace("،", " ").replace(",", " ")
    return " ".join(text.split()).strip(" -–—|:.").lower()


def is_relative(text: str) -> bool:
    """The text is a date relative to the day it was read ("أمس", "منذ ساعتين", "last week",
    "15 الشهر الحالي"): it names a date only against a known one."""
    folded = " ".join(_BRACKETED_MONTH.sub("", _fold(text)).split())
    return relative_span(folded, date(2000, 6, 15)) is not None or (
        _resolve_relative(folded, None) is False
    )


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


def relative_span(text: str, base: date) -> tuple[date, date, str] | None:
    """The first and last day a relative date can mean, read against `base`, or None.

    `base` may be a datetime: then hours and minutes ago are read against its time of day.
    The third item says how it was read, for the editor.
    """
    folded = _relative_text(" ".join(_fold(text).split()))
    if not folded:
        return None
    day = base.date() if isinstance(base, datetime) else base
    when = base.strftime("%Y-%m-%d %H:%M") if isinstance(base, datetime) else base.isoformat()
    read = f"read as {text.strip()!r} against {when}"
    for pattern, offset in _DAY_OFFSETS:
        if pattern.match(folded):
            return day - timedelta(days=offset), day - timedelta(days=offset), read
    if match := _AGO.match(folded):
        word = (match["u1"] or match["u2"]).lower()
        unit, implied = _UNIT_OF[word]
        count_text = (match["n1"] or match["n2"] or "").lower()
        count = int(count_text) if count_text.isdigit() else _NUMBER_WORDS.get(count_text, 0)
        count = count or implied or 1
        return (*_ago(base, day, unit, count), read)
    if match := _LAST_WEEKDAY.match(folded):
        weekday = _WEEKDAY_NAMES[(match["en"] or match["ar"]).lower()]
        back = (day.weekday() - weekday) % 7 or 7
        return day - timedelta(days=back), day - timedelta(days=back), read
    for pattern, back in ((_LAST_PERIOD, 1), (_THIS_PERIOD, 0)):
        if match := pattern.match(folded):
            name = next(group for group in match.groups() if group).lower()
            return (*_period(day, _PERIOD_UNITS.get(name, name), back), read)
    return None


def _ago(base: date, day: date, unit: str, count: int) -> tuple[date, date]:
    if unit in ("second", "minute", "hour"):
        # "2 hours ago" is somewhere in the hour before the second one ran out.
        step = {"second": timedelta(seconds=1), "minute": timedelta(minutes=1)}.get(
            unit, timedelta(hours=1)
        )
        if isinstance(base, datetime):
            earliest, latest = base - step * (count + 1), base - step * count
        else:
            start = datetime.combine(day, datetime.min.time())
            earliest = start - step * (count + 1)
            latest = start + timedelta(days=1) - step * count
        return earliest.date(), min(latest.date(), day)
    if unit == "day":
        return day - timedelta(days=count), day - timedelta(days=count)
    if unit == "week":
        return day - timedelta(days=7 * count + 6), day - timedelta(days=7 * count)
    return _period(day, unit, count)


def _period(day: date, unit: str, back: int) -> tuple[date, date]:
    """The calendar week, month or year `back` before the one `day` is in."""
    if unit == "year":
        return date(day.year - back, 1, 1), date(day.year - back, 12, 31)
    if unit == "month":
        month = day.month - 1 - back
        year, month = day.year + month // 12, month % 12 + 1
        following = date(year + month // 12, month % 12 + 1, 1)
        return date(year, month, 1), following - timedelta(days=1)
    starts = [day - timedelta(days=(day.weekday() - start) % 7) for start in _WEEK_STARTS]
    if back == 0:
        return min(starts), day
    return min(starts) - timedelta(days=7 * back), max(starts) - timedelta(days=7 * back - 6)


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
