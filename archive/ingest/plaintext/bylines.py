"""Byline and date lines: what a line says about the article when it is made only of that.

``parse_meta`` reads a line such as "بقلم: سامر الحلبي | نشر في 6 فبراير 2019" or "Published
February 6, 2019 - Updated 7 February" into the author, publication and update dates (and
whether a Hijri date was named); a line with anything else in it is not a byline. Dates must
fill their piece of the line (never read from inside a sentence) and numeric ones are read day
first. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from archive.ingest import dates, relative_dates
from archive.ingest.plaintext.credits import AGENCY_CREDIT
from archive.ingest.plaintext.text import ends_sentence, fold, folded_words, rx, word_count

META_MAX_WORDS = 25

_MONTHS = {
    1: "يناير كانون_الثاني جانفي january jan",
    2: "فبراير شباط فيفري february feb",
    3: "مارس آذار اذار march mar",
    4: "أبريل إبريل نيسان أفريل april apr",
    5: "مايو أيار ماي may",
    6: "يونيو يونيه حزيران جوان june jun",
    7: "يوليو يوليه تموز جويلية يوليوز july jul",
    8: "أغسطس آب أوت غشت august aug",
    9: "سبتمبر أيلول شتنبر september sept sep",
    10: "أكتوبر تشرين_الأول october oct",
    11: "نوفمبر تشرين_الثاني نونبر november nov",
    12: "ديسمبر كانون_الأول دجنبر december dec",
}
_MONTH_NUMBER = {
    fold(name.replace("_", " ")).lower(): number
    for number, names in _MONTHS.items()
    for name in names.split()
}
_HIJRI_MONTHS = (
    "محرم صفر ربيع_الأول ربيع_الآخر ربيع_الثاني جمادى_الأولى جمادى_الآخرة "
    "جمادى_الثانية رجب شعبان رمضان شوال ذو_القعدة ذو_الحجة"
)
_WEEKDAYS = (
    "الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت monday tuesday wednesday "
    "thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun"
)


def _alternation(names) -> str:
    """Regex alternation, longest first so "sept" wins over "sep"; "_" stands for a space."""
    spelled = sorted({fold(name.replace("_", " ")) for name in names}, key=len, reverse=True)
    return "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in spelled)


_MONTH_RX = _alternation(_MONTH_NUMBER)
_WEEKDAY_RX = rf"(?:يوم\s+)?(?:{_alternation(_WEEKDAYS.split())})\.?"
_TIME_RX = (
    r"(?:(?:الساعة|at)\s*)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|ص|م|صباحا|مساء)?"
    r"(?:\s*\(?\s*(?:gmt|utc|et|est|edt|bst|cet|cest|eet|ت\.?\s?غ|ب?توقيت\s+\S+(?:\s+\S+)?)"
    r"\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?\s*\)?)?"
)
_OPTIONAL_WEEKDAY = rf"(?:{_WEEKDAY_RX}\s*[,،]?\s*)?"
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
# "2019م" marks the Gregorian year; "فبراير (شباط)" names the month twice.
_YEAR = r"(?P<y>\d{4})(?:\s*م(?!\w))?"
_MONTH_NAMED = rf"(?P<mon>{_MONTH_RX})\.?(?:\s*\((?:{_MONTH_RX})\))?"
_DATE_SHAPES = tuple(
    rx(rf"(?:{shape})(?:\s*[,،\-–]?\s*{_TIME_RX})?")
    for shape in (
        r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
        r"(?:t\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?",
        rf"{_OPTIONAL_WEEKDAY}(?P<d>\d{{1,2}})[/.-](?P<m>\d{{1,2}})[/.-]{_YEAR}",
        rf"{_OPTIONAL_WEEKDAY}{_DAY}\s*{_MONTH_NAMED}\s*[,،]?\s*{_YEAR}",
        rf"{_OPTIONAL_WEEKDAY}{_MONTH_NAMED}\s+{_DAY}\s*[,،]?\s*{_YEAR}",
    )
)
_HIJRI_DATE = rx(
    rf"{_OPTIONAL_WEEKDAY}\d{{1,2}}\s+(?:{_alternation(_HIJRI_MONTHS.split())})\s+\d{{4}}\s*(?:هـ|ه)?"
)
_WEEKDAY_ONLY = rx(_WEEKDAY_RX)
_TIME_ONLY = rx(_TIME_RX)
_DATE_LABEL = rx(
    r"^(?P<label>(?:first\s+)?published|posted|(?:last\s+)?updated|date|نشر|تاريخ\s+النشر"
    r"|[اآ]خر\s+تحديث|تم\s+التحديث|تحديث|التاريخ|تاريخ)"
    r"(?:\s+(?:on|في|بتاريخ|يوم))?\s*[:：\-–]?\s*"
)
# "بقلم"/"By" may run straight into the name. The others need ":" or "-" after
# them, because "كتب" also means "books" and starts ordinary headlines.
_BYLINE_LABELS = r"بقلم|by|written\s+by|words\s+by|story\s+by"
_BYLINE_LABELS_NEEDING_COLON = r"كتبت|كتب|إعداد|تحرير|الكاتب|المحرر|author"
_AUTHOR = rx(
    rf"^(?:(?P<label>{_BYLINE_LABELS})(?:\s*[:：\-–]\s*|\s+)"
    rf"|(?P<colon_label>{_BYLINE_LABELS_NEEDING_COLON})\s*[:：\-–]\s*)\S"
)
_NOW = rx(
    r"اليوم|today|tonight|this\s+\w+|(?:هذا|هذه)\s+\S+|\S+\s+(?:الحالي|الحالية|الجاري|الجارية)"
)
_AUTHOR_LABEL_ONLY = rx(rf"^(?:{_BYLINE_LABELS}|{_BYLINE_LABELS_NEEDING_COLON})\s*[:：]?$")
_META_SEPARATOR = re.compile(r"\s+[-–—]\s+|\s*[|•·]\s*")


def _parse_date(folded: str) -> date | None:
    """A Gregorian date filling the whole (folded) string, or None. Never guesses."""
    for shape in _DATE_SHAPES:
        match = shape.fullmatch(folded.strip())
        if not match:
            continue
        parts = match.groupdict()
        day, year = int(parts["d"]), int(parts["y"])
        if parts.get("mon"):
            month = _MONTH_NUMBER[" ".join(parts["mon"].lower().split())]
        else:
            month = int(parts["m"])
            # Day first, but 02/26/2019 can only be month first.
            if month > 12 >= day:
                day, month = month, day
        if not 1900 <= year <= 2100:
            return None
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None


def _author_in(piece: str) -> str:
    """The name on a byline piece ("بقلم: سامر الحلبي", "By Jane Doe"), or ""."""
    match = _AUTHOR.match(fold(piece))
    if not match:
        return ""
    label = match.group("label") or match.group("colon_label")
    name = " ".join(piece.split()[len(label.split()) :]).strip(" :：-–")
    if not name or word_count(name) > 8 or ends_sentence(name):
        return ""
    if any(ch.isdigit() for ch in fold(name)):
        return ""
    # "By the time ..." is a sentence; a Latin name is capitalised.
    if name[0].isascii() and not name[0].isupper():
        return ""
    return name


# "بيروت: محمد علي", "Beirut: John Smith", "لندن: «الشرق الأوسط»": the dateline city, then the
# reporter. Only believed just below the title (a headline "غزة: إسرائيل تقصف" reads the same).
_CITY_LABELS = folded_words(
    "عاجل تحديث خاص حصري فيديو صور صورة شاهد تقرير تحليل رأي مقال بيان ملاحظة تنويه مصدر المصدر "
    "الصورة تصوير ترجمة إعداد تحرير كتب كتبت بقلم متابعات مباشر الآن ملخص الخلاصة سؤال جواب س ج "
    "update updated breaking watch video photo photos image analysis opinion exclusive live note "
    "source credit translation reporting editing tags topics published posted date by from via "
    "editor comment read more related q a"
)
# Words no name holds. Matched as written: folded, "على" (on) would be the name "علي".
_NOT_IN_NAMES = frozenset(
    "في على من إلى الى عن مع بعد قبل ضد حول بين منذ عند لدى أن ان إن لا لم لن قد هل ما يا أو ثم "
    "the of and in on at to for with after before over says said is are was were".split()
)
_NAME_PARTICLES = frozenset("al el bin ibn bint abu de da van von der du la le".split())
_CITY_BYLINE = re.compile(r"^(?P<city>[^:：]{2,30}?)\s*[:：]\s*(?P<name>\S.{1,60})$")
_QUOTED_NAME = re.compile(r"^[«\"“](?P<inner>[^«»\"“”]{2,40})[»\"”]$")


def city_byline(text: str) -> tuple[str, str] | None:
    """(city, name) when the line is a "City: Reporter Name" byline, else None."""
    match = _CITY_BYLINE.match(text.strip())
    if not match:
        return None
    city, name = match["city"].strip(), match["name"].strip()
    city_words = city.split()
    if not 1 <= len(city_words) <= 2 or any(ch.isdigit() for ch in fold(city + name)):
        return None
    if any(fold(word).lower() in _CITY_LABELS for word in city_words):
        return None
    quoted = _QUOTED_NAME.match(name)
    if quoted:  # the paper itself: لندن: «الشرق الأوسط»
        return (city, name) if word_count(quoted["inner"]) <= 4 else None
    words = name.split()
    if ends_sentence(name) or any(word.lower() in _NOT_IN_NAMES for word in words):
        return None
    if city[0].isascii():
        # Latin: a capitalised place and a capitalised name of two to four words.
        if not (city[0].isupper() and 2 <= len(words) <= 4):
            return None
        capitalised = all(
            word[0].isupper() or word.lower().split("-")[0] in _NAME_PARTICLES for word in words
        )
        return (city, name) if capitalised else None
    if any(ch.isascii() and ch.isalpha() for ch in city + name) or not 2 <= len(words) <= 3:
        return None
    # An Arabic given name does not carry the article: "الجيش ينسحب" is no one's name.
    return None if fold(words[0]).startswith("ال") else (city, name)


@dataclass
class Meta:
    """What one byline/date line says; ``reason`` is why the line is dropped."""

    author: str = ""
    published: date | None = None
    updated: date | None = None
    hijri: bool = False
    hijri_date: dates.FoundDate | None = None
    city: str = ""  # the dateline city of a "بيروت: محمد علي" byline
    # A date relative to the day the page was read ("أمس", "منذ ساعتين"), as written: it is
    # resolved by the parser once it knows a reference date.
    relative: str = ""
    relative_updated: str = ""
    needs_time: bool = False  # "اليوم" alone is no date; "اليوم - 10:45" is
    has_time: bool = False

    @property
    def reason(self) -> str:
        parts = [
            label
            for label, present in (
                ("dateline city", self.city),
                ("author", self.author),
                ("publication date", self.published or self.relative),
                ("update date", self.updated or self.relative_updated),
                ("hijri date", self.hijri and not (self.published or self.updated)),
            )
            if present
        ]
        return " and ".join(parts) + " line" if parts else ""


def _read_meta_piece(piece: str, near_top: bool, meta: Meta, cities: bool = False) -> bool:
    """Fold one piece of a byline/date line into meta; False if the piece is something else."""
    folded = fold(piece)
    label = _DATE_LABEL.match(folded)
    if label and label.end() < len(folded):
        rest = folded[label.end() :]
        when = _parse_date(rest)
        if when is not None:
            label_text = label.group("label").lower()
            if "updat" in label_text or "تحديث" in label_text:
                meta.updated = meta.updated or when
            else:
                meta.published = meta.published or when
            return True
        if _HIJRI_DATE.fullmatch(rest):
            meta.hijri = True
            meta.hijri_date = meta.hijri_date or dates.parse_date(rest)
            return True
        if relative_dates.is_relative(rest):
            # As written: folding keeps word boundaries, so the label's words map back.
            written = " ".join(piece.split()[len(label.group(0).split()) :]) or rest
            label_text = label.group("label").lower()
            if "updat" in label_text or "تحديث" in label_text:
                meta.relative_updated = meta.relative_updated or written
            else:
                meta.relative = meta.relative or written
            return True
    if near_top:
        when = _parse_date(folded)
        if when is not None:
            meta.published = meta.published or when
            return True
        if _HIJRI_DATE.fullmatch(folded):
            meta.hijri = True
            meta.hijri_date = meta.hijri_date or dates.parse_date(folded)
            return True
        if name := _author_in(piece):
            meta.author = f"{meta.author}, {name}" if meta.author else name
            return True
        if cities and (byline := city_byline(piece)):
            meta.city = meta.city or byline[0]
            meta.author = f"{meta.author}, {byline[1]}" if meta.author else byline[1]
            return True
        if relative_dates.is_relative(folded):
            meta.relative = meta.relative or piece
            # "اليوم", "this week" alone may be anything; with a time of day they are a date.
            meta.needs_time = meta.needs_time or bool(_NOW.fullmatch(folded))
            return True
    if _TIME_ONLY.fullmatch(folded):
        meta.has_time = True
        return True
    return bool(_WEEKDAY_ONLY.fullmatch(folded) or AGENCY_CREDIT.fullmatch(folded))


def parse_meta(text: str, near_top: bool, *, cities: bool = False) -> Meta | None:
    """Byline/date facts when the whole line is made of them, else None.

    Away from the top only explicitly labelled dates ("Published ...") count. "City: Name"
    bylines are read only when `cities` is set (just below the title).
    """
    if word_count(text) > META_MAX_WORDS:
        return None
    meta = Meta()
    pieces = _META_SEPARATOR.split(text)
    # "كتبت - ليلى حسن": the dash after a byline label is not a separator.
    if len(pieces) > 1 and _AUTHOR_LABEL_ONLY.match(fold(pieces[0])):
        pieces[:2] = [f"{pieces[0].rstrip(' :：')}: {pieces[1]}"]
    for piece in pieces:
        piece = piece.strip(" ,،")
        if piece and not _read_meta_piece(piece, near_top, meta, cities):
            return None
    if meta.needs_time and not meta.has_time:
        return None
    return meta if meta.reason else None
