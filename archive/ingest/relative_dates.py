"""Dates relative to another date: "this month" words, and dates relative to the day. Pure.

Some dates name a day only against a known one (``base``): the article's own date, for mentions in
its body; the day a page was captured, for its "published yesterday". Without a base they stay
unknown; ``is_relative`` says whether a text is such a date at all, so that one without a base can
be flagged rather than silently dropped.

* ``resolve_month_words`` rewrites "this month" words into the month or year they mean:
  "الشهر الحالي", "الشهر الماضي", "مايو الماضي", "يونيو المقبل", "العام الجاري".
* ``relative_span`` reads a date relative to the day ("أمس", "منذ ساعتين", "الأسبوع الماضي",
  "3 days ago", "last month") as the span of days it can mean; dates.parse_date gives it the
  finest precision that holds the whole span: "أمس" is a day; "منذ ساعتين" is a day when ``base``
  carries the time of day (a ``datetime``) and the two hours stay within it, else the month both
  days are in; "الأسبوع الماضي" is a month when the week falls within one.

Texts are folded and their months named as date_words does it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from archive.ingest.date_words import (
    BRACKETED_MONTH,
    ENGLISH_MONTHS,
    MONTH_NAME,
    MONTH_NUMBER,
    NOISE,
    fold,
)

__all__ = ["RELATIVE_WORDS", "is_relative", "relative_span", "resolve_month_words"]

# "This month" words, against a base date.
_CURRENT = r"(?:الحالي|الجاري|هذا|الراهن)"
_THIS_MONTH = re.compile(rf"(?:من\s+)?(?:الشهر|شهر)\s+{_CURRENT}|(?:من\s+)?هذا\s+الشهر")
_LAST_MONTH = re.compile(r"(?:من\s+)?(?:الشهر|شهر)\s+(?:الماضي|المنصرم|السابق)")
_MONTH_THEN_CURRENT = re.compile(rf"(?P<mon>{MONTH_NAME})\s+{_CURRENT}(?![^\W\d_])", re.IGNORECASE)
_MONTH_THEN_PAST = re.compile(
    rf"(?P<mon>{MONTH_NAME})\s+(?:الماضي|المنصرم|السابق)(?![^\W\d_])", re.IGNORECASE
)
_MONTH_THEN_NEXT = re.compile(
    rf"(?P<mon>{MONTH_NAME})\s+(?:المقبل|القادم|المقبله)(?![^\W\d_])", re.IGNORECASE
)
_THIS_YEAR = re.compile(rf"(?:العام|عام|السنه|سنه)\s+{_CURRENT}")
RELATIVE_WORDS = re.compile(
    r"(?<![^\W\d_])(?:امس|اليوم|غدا|البارحه|منذ|قبل|بعد|الماضي|المقبل|القادم|yesterday|today"
    r"|tomorrow|ago|last|next|this)(?![^\W\d_])",
    re.IGNORECASE,
)


def resolve_month_words(folded: str, base: date | None) -> tuple[str, str] | bool | None:
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
        return f"{ENGLISH_MONTHS[month - 1]} {year}"

    text = _THIS_MONTH.sub(lambda m: " " + month_year(base.year, base.month), text)
    previous = (base.year, base.month - 1) if base.month > 1 else (base.year - 1, 12)
    text = _LAST_MONTH.sub(lambda m: " " + month_year(*previous), text)

    def named(match: re.Match, shift: str) -> str:
        month = MONTH_NUMBER[" ".join(match["mon"].lower().rstrip(".").split())]
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
    text = NOISE.sub(" ", text)
    text = text.replace("،", " ").replace(",", " ")
    return " ".join(text.split()).strip(" -–—|:.").lower()


def is_relative(text: str) -> bool:
    """The text is a date relative to the day it was read ("أمس", "منذ ساعتين", "last week",
    "15 الشهر الحالي"): it names a date only against a known one."""
    folded = " ".join(BRACKETED_MONTH.sub("", fold(text)).split())
    return relative_span(folded, date(2000, 6, 15)) is not None or (
        resolve_month_words(folded, None) is False
    )


def relative_span(text: str, base: date) -> tuple[date, date, str] | None:
    """The first and last day a relative date can mean, read against `base`, or None.

    `base` may be a datetime: then hours and minutes ago are read against its time of day.
    The third item says how it was read, for the editor.
    """
    folded = _relative_text(" ".join(fold(text).split()))
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
