"""How dates are written in Arabic and English news, folded into what dateparser reads. Pure.

``normalise`` is the pre-normaliser dates.parse_date runs before dateparser: it folds the text
(``fold``: harakat and direction marks dropped, Arabic-Indic digits to ASCII, alef, ى and ة
merged), removes month names written twice ("12 يوليو (تموز) 2018"), time zones, the Gregorian
"م" after a year, Arabic weekdays and labels ("نشر في", "Published on"), and writes every month
name in English: Egyptian/Gulf, Levantine (شباط), Maghrebi (فيفري, جانفي) and Moroccan (غشت)
spellings alike. The month patterns and tables are shared with relative_dates.
"""

from __future__ import annotations

import re

__all__ = [
    "BRACKETED_MONTH",
    "ENGLISH_MONTHS",
    "MONTH_NAME",
    "MONTH_NUMBER",
    "MONTH_RX",
    "NOISE",
    "fold",
    "normalise",
]

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

# Every spelling of each Gregorian month, in folded form (see fold): Egyptian/Gulf, Levantine
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
ENGLISH_MONTHS = (
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


MONTH_NUMBER = _month_lookup()
_MONTH_ALTERNATION = "|".join(sorted(map(re.escape, MONTH_NUMBER), key=len, reverse=True))
MONTH_NAME = rf"(?<![^\W\d_])(?:{_MONTH_ALTERNATION})\.?(?![^\W\d_])"
MONTH_RX = re.compile(MONTH_NAME, re.IGNORECASE)
# "يوليو (تموز)" / "تموز (يوليو)" / "July (تموز)": the second name in brackets repeats the first.
BRACKETED_MONTH = re.compile(rf"\s*[(\[]\s*(?:{MONTH_NAME})\s*[)\]]", re.IGNORECASE)

_WEEKDAYS = re.compile(
    r"(?<![^\W\d_])(?:يوم\s+)?(?:ال)?(?:احد|اثنين|ثلاثاء|اربعاء|خميس|جمعه|سبت)(?![^\W\d_])\s*[,،]?"
)
# Words around a date that carry no date: labels, "on", the Gregorian marker after a year.
NOISE = re.compile(
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


def fold(text: str) -> str:
    return _MARKS.sub("", text).translate(_DIGITS).translate(_ALEF)


def normalise(text: str) -> str:
    """Folded text with month names in English and Arabic-only date noise removed."""
    text = " ".join(fold(text).split())
    text = BRACKETED_MONTH.sub("", text)
    text = _TIMEZONE.sub(" ", text)
    text = _GREGORIAN_MARK.sub("", text)
    text = _WEEKDAYS.sub(" ", text)
    text = NOISE.sub(" ", text)
    text = MONTH_RX.sub(lambda m: _english_month(m.group(0)), text)
    for pattern, replacement in _AM_PM:
        text = pattern.sub(replacement, text)
    text = text.replace("،", ",").replace("؛", ";")
    return " ".join(text.split()).strip(" ,;:-–—|")


def _english_month(name: str) -> str:
    return ENGLISH_MONTHS[MONTH_NUMBER[" ".join(name.lower().rstrip(".").split())] - 1]
