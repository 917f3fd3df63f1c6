"""Parser for scraped plain-text news articles (Arabic and English).

A scraper saved the visible text of an article page: a headline, perhaps a
standfirst, a date and a byline, image captions, body paragraphs with
sub-headings, and page furniture around them (cookie banners, share buttons,
"read also" links, footers). ``parse_plaintext`` turns that into a
``ParsedArticle`` and accounts for every non-blank input line: each one is the
title, the standfirst, a caption, part of a block, or in ``dropped`` with a reason.

Layout rules a reader of the output needs to know:

* Blank lines separate blocks. Inside a run of non-blank lines, a line break is
  a soft wrap (the next line continues the paragraph) only when the line before
  is longer than a sub-heading (HEADING_MAX_WORDS) and does not end a sentence.
  Every other line break starts a new block, so "blank line between paragraphs"
  and "one paragraph per line" files both work.
* The title is the first line that is not furniture, a date, a byline or a
  breadcrumb. It is never joined with the next line.
* A date counts only on a line of its own (optionally labelled "Published",
  "نشر في", ...), and an unlabelled one only near the top. Dates inside
  sentences are never used; numeric dates are read day first.
* The standfirst is the first block after the title when it is short, is not a
  wire dateline lead ("WASHINGTON (Reuters) -") and body text follows it.

Pure: no Django imports.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from archive.ingest import dates
from archive.ingest.types import Block, Caption, DroppedLine, ParsedArticle

__all__ = ["NoArticleError", "parse_plaintext", "split_caption_credit"]


class NoArticleError(ValueError):
    """The text holds nothing that can be archived as an article."""


HEADING_MAX_WORDS = 12
TITLE_MAX_WORDS = 40
TITLE_MAX_CHARS = 300
STANDFIRST_MAX_WORDS = 60
CAPTION_MAX_WORDS = 35
LINK_MAX_WORDS = 20
META_MAX_WORDS = 25
# Bylines and unlabelled dates are only believed this close to the title
# (counted in non-furniture lines); further down they are body text.
HEAD_ZONE_LINES = 6

SENTENCE_END = ".!?؟…:"
HEADING_STOPPERS = SENTENCE_END + ",،;؛"
LINK_STOPPERS = ".:,،;؛"
CLOSING_MARKS = "\"'”’»)]›"


# --------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------

# Invisible marks scrapers leave behind (BOM, direction marks, soft hyphen):
# they carry no text but break anchors and word counts.
_INVISIBLE = re.compile("[\u00ad\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# Not str.splitlines(): it also breaks on \x0c, \x1c, \u2028 ..., which would
# shift line numbers away from what an editor sees in the file.
_NEWLINE = re.compile(r"\r\n|\r|\n")
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD_TABLE = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        **{chr(0x0660 + digit): str(digit) for digit in range(10)},
        **{chr(0x06F0 + digit): str(digit) for digit in range(10)},
    }
)


def _clean_line(raw: str) -> str:
    """Trim, drop invisible marks, and collapse any whitespace (NBSP included) to one space."""
    return " ".join(_INVISIBLE.sub("", raw).split())


def _fold(text: str) -> str:
    """Spelling-insensitive form used only for matching, never for output.

    Drops harakat and tatweel, merges hamza-carrying alefs, ى/ي and ة/ه, and
    turns Arabic-Indic digits into ASCII. آ is kept apart so the month آب
    never reads as the agency أ.ب. Word boundaries are preserved.
    """
    return _ARABIC_MARKS.sub("", text).translate(_FOLD_TABLE)


def _rx(pattern: str) -> re.Pattern[str]:
    """Compile a pattern written in ordinary Arabic/English against folded text."""
    return re.compile(_fold(pattern), re.IGNORECASE)


def _word_count(text: str) -> int:
    return len(text.split())


def _ends_sentence(text: str) -> bool:
    core = text.rstrip(CLOSING_MARKS + " ")
    return bool(core) and core[-1] in SENTENCE_END


def _last_mark(text: str) -> str:
    core = text.rstrip(CLOSING_MARKS + " ")
    return core[-1] if core else ""


def _looks_like_heading(text: str) -> bool:
    """Short, unpunctuated and not wholly in brackets: a sub-heading if it stands alone."""
    if not 1 <= _word_count(text) <= HEADING_MAX_WORDS:
        return False
    if text[0] in "([" and text[-1] in ")]":
        return False
    return _last_mark(text) not in HEADING_STOPPERS and any(ch.isalpha() for ch in text)


def _is_link_like(text: str) -> bool:
    """A related-headline line: short and not ending a sentence (? and ! allowed)."""
    return _word_count(text) <= LINK_MAX_WORDS and _last_mark(text) not in LINK_STOPPERS


def _wraps_into_next(text: str) -> bool:
    """A long line stopping mid-sentence was wrapped: the next line continues it."""
    return _word_count(text) > HEADING_MAX_WORDS and not _ends_sentence(text)


# --------------------------------------------------------------------------
# Page furniture: lines that are not part of the article
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _FurnitureRule:
    reason: str
    pattern: re.Pattern[str]
    # Longer lines are body text that merely mentions the words.
    max_words: int


_READ_ALSO_AR = (
    r"(?:اقرأ|طالع|شاهد)\s+(?:أيضا|كذلك|المزيد)"
    r"|(?:(?:مواضيع|أخبار|مقالات|موضوعات|قصص)\s+)?ذات\s+صلة"
)
_READ_ALSO_EN = (
    r"read\s+(?:more|also)|also\s+read|see\s+also|you\s+may\s+also\s+like"
    r"|related(?:\s+(?:articles?|stories|news|coverage|content))?"
    r"|recommended(?:\s+(?:for\s+you|stories|articles))?|more\s+on\s+this(?:\s+story)?"
)
# Arabic labels are unambiguous at the start of a line; English ones need a
# colon or dash ("Related: ...") so that "Related talks ..." stays body text.
_READ_ALSO = _rx(rf"^(?:{_READ_ALSO_AR})|^(?:{_READ_ALSO_EN})\s*(?:[:：\-–|]|$)")
_READ_ALSO_LABEL_ONLY = _rx(rf"^(?:{_READ_ALSO_AR}|{_READ_ALSO_EN})\s*[:：\-–]?\s*$")

_FURNITURE_RULES = (
    _FurnitureRule(
        "javascript notice",
        _rx(
            r"\b(?:enable|turn\s+on|activate|allow)\b.{0,40}\bjavascript\b"
            r"|\bjavascript\s+(?:is|seems\s+to\s+be)\s+(?:disabled|required|off)"
            r"|(?:تفعيل|تمكين)\s+(?:ال)?جافا\s?سكري?بت"
        ),
        30,
    ),
    _FurnitureRule(
        "cookie notice",
        _rx(
            r"\bcookies?\b.{0,80}\b(?:use|using|accept|policy|consent|agree|settings|preferences)\b"
            r"|\b(?:use|accept|allow|reject|manage)\b.{0,40}\bcookies?\b"
            r"|ملفات\s+(?:تعريف\s+)?(?:ال)?ارتباط|(?:ال)?كوكيز"
        ),
        45,
    ),
    _FurnitureRule("read-also link", _READ_ALSO, 30),
    _FurnitureRule(
        "advertisement",
        _rx(
            r"^(?:advertisement|advertising|sponsored(?:\s+content)?|ad|إعلان|إعلانات"
            r"|محتوى\s+(?:مدعوم|ممول)|story\s+continues\s+below(?:\s+advertisement)?"
            r"|scroll\s+to\s+continue(?:\s+with\s+content)?)[\s.:…]*$"
        ),
        6,
    ),
    _FurnitureRule(
        "newsletter prompt",
        _rx(
            r"\bnewsletters?\b|^subscribe\b|\bsubscribe\s+(?:to|for|now|today)\b"
            r"|\bsign\s+up\b.{0,40}\b(?:newsletter|email|inbox|updates|alerts)\b|\bfollow\s+us\s+on\b"
            r"|النشرة\s+(?:البريدية|الإخبارية)|نشرتنا|اشترك.{0,30}(?:النشرة|قناتنا|القناة|مجانا)"
            r"|ليصلك|لتصلك|ليصلكم|(?:تابعونا|تابعنا)\s+(?:على|عبر)"
        ),
        30,
    ),
    _FurnitureRule(
        "copyright notice",
        _rx(
            r"^(?:©|\(c\)|copyright\b)|(?:جميع|كافة)\s+الحقوق\s+محفوظة"
            r"|حقوق\s+(?:النشر|الطبع)\s+محفوظة|all\s+rights\s+reserved"
        ),
        25,
    ),
    _FurnitureRule("lone url", _rx(r"^(?:https?://|www\.)\S+$"), 1),
    _FurnitureRule(
        "reading time",
        _rx(r"^\d+\s*(?:min|mins|minutes?)\s+read$|^\d+\s*(?:دقيقة|دقائق)\s+(?:للقراءة|قراءة)$"),
        5,
    ),
    _FurnitureRule(
        "comments prompt",
        _rx(
            r"^(?:\d+\s+)?(?:comments?|leave\s+a\s+comment|add\s+a\s+comment"
            r"|أضف\s+تعليقا?|التعليقات|تعليقات?)[\s:]*$"
        ),
        5,
    ),
)


def _folded_words(words: str) -> frozenset[str]:
    return frozenset(_fold(word).lower() for word in words.split())


_SHARE_WORDS = _folded_words(
    "share sharing facebook twitter whatsapp telegram linkedin email e-mail print reddit "
    "messenger شارك شاركها شاركوا مشاركة فيسبوك تويتر واتساب تلغرام تيليغرام تلجرام "
    "لينكدإن طباعة"
)
_SHARE_FILLERS = _folded_words(
    "on via this the article story page post link copy x to by your friends with "
    "فيس بوك واتس اب على عبر هذا هذه المقال المقالة الخبر الموضوع الرابط رابط نسخ "
    "البريد الإلكتروني إكس مع أصدقائك"
)
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def _is_share_buttons(text: str) -> bool:
    """A line made only of share-button labels ("شارك تويتر فيسبوك واتساب", "Share on X")."""
    words = _WORD.findall(_fold(text).lower())
    return (
        0 < len(words) <= 12
        and any(word in _SHARE_WORDS for word in words)
        and all(w in _SHARE_WORDS or w in _SHARE_FILLERS or w.isdigit() for w in words)
    )


_FURNITURE_MAX_WORDS = max(rule.max_words for rule in _FURNITURE_RULES)


def furniture_reason(text: str) -> str:
    """Why a line of text is page furniture (cookie notice, share buttons …), or ""."""
    return _furniture_reason(_clean_line(text))


def _furniture_reason(text: str) -> str:
    """Why a line is page furniture, or "" if it may be article text."""
    words = _word_count(text)
    if words > _FURNITURE_MAX_WORDS:
        return ""
    folded = _fold(text)
    for rule in _FURNITURE_RULES:
        if words <= rule.max_words and rule.pattern.search(folded):
            return rule.reason
    if _is_share_buttons(text):
        return "share buttons"
    return ""


_TAGS_LINE = _rx(
    r"^(?:tags|topics|keywords|الوسوم|وسوم|الكلمات\s+المفتاحية|كلمات\s+مفتاحية"
    r"|الكلمات\s+الدالة|كلمات\s+دالة)\s*[:：]"
)
_HASHTAGS_LINE = re.compile(r"^#[^\s#]+(?:\s+#[^\s#]+)*$")
_BREADCRUMB = _rx(r"^(?:home|الرئيسية|الصفحة\s+الرئيسية)\s*[>»›/|]")
_BREADCRUMB_SEPARATOR = re.compile(r"\s*[>»›/|]\s*")
_TAG_SEPARATOR = re.compile(r"\s*[,،;؛|#]\s*")


def _tags_in(text: str) -> list[str] | None:
    """Tags from a "Tags: a, b" / "الوسوم: أ، ب" / "#a #b" line, or None."""
    if _HASHTAGS_LINE.match(text):
        return [tag.lstrip("#").replace("_", " ") for tag in text.split()]
    if _word_count(text) <= 40 and _TAGS_LINE.match(_fold(text)):
        listed = re.split(r"[:：]", text, maxsplit=1)[1]
        return [tag.strip() for tag in _TAG_SEPARATOR.split(listed) if tag.strip()]
    return None


def _breadcrumb_in(text: str) -> list[str] | None:
    """The crumbs after "Home >" / "الرئيسية ›", or None."""
    if _word_count(text) <= 15 and _BREADCRUMB.match(_fold(text)):
        return [crumb for crumb in _BREADCRUMB_SEPARATOR.split(text)[1:] if crumb]
    return None


_MORE_FROM = _rx(r"^(?:اقرأ\s+)?المزيد\s+(?:من|في|عن)\s+|^(?:read\s+)?more\s+(?:from|in)\s+")


def _more_from_section(text: str) -> str | None:
    """The section named by a "المزيد من دوليات" / "More from World" footer, or None."""
    if _word_count(text) > 6 or _ends_sentence(text):
        return None
    match = _MORE_FROM.match(_fold(text))
    if not match:
        return None
    # Folding keeps word boundaries, so the label's word count maps back to the original.
    section = " ".join(text.split()[len(match.group(0).split()) :]).strip(" :-–—»›>")
    return section or None


# --------------------------------------------------------------------------
# Photo credits and captions
# --------------------------------------------------------------------------

# Agencies as they appear in credits: dotted or spaced Arabic initials (أ.ف.ب،
# أ ف ب), names in both scripts. Written unfolded; _rx folds them.
_AGENCY = (
    r"(?:ا[\s.]*ف[\s.]*ب|ا[\s.]*ش[\s.]*ا|د[\s.]*ب[\s.]*ا|ا[\s.]*ب"
    r"|رويترز|(?:وكالة\s+)?(?:ال)?أناضول|(?:وكالة\s+)?(?:ال)?صحافة\s+الفرنسية|فرانس\s*برس"
    r"|أسوشي?يتد\s+برس|(?:غيتي|جيتي)(?:\s+(?:إيماجز|إيمجز))?|إيبا|إي\s+بي\s+إيه"
    r"|شينخوا|سانا|واس|وام|قنا|كونا|بترا"
    r"|a[\s.]*f[\s.]*p|a[\s.]*p|reuters|associated\s+press|getty(?:\s+images)?|epa(?:[\s-]+efe)?"
    r"|efe|anadolu(?:\s+agency)?|aa|dpa|xinhua|sana|upi|ansa|shutterstock|handout)"
    r"\.?(?:\s+(?:photos?|images?))?"
)
_AGENCY_CREDIT = _rx(rf"{_AGENCY}(?:\s*(?:/|\bvia\b|,|،|-|–|\||\+)\s*[^()\[\]]{{1,40}})?")
_LABELLED_CREDIT = _rx(
    r"(?:(?:file\s+)?(?:photos?|photograph|image|picture|credit|courtesy)"
    r"|تصوير|صورة|الصورة|صور|عدسة|مصدر\s+الصورة)\s*[:：]\s*\S.{0,60}"
    r"|(?:photo|picture|image)s?\s+by\s+\S.{0,60}"
)
_BRACKETED_ENDING = re.compile(r"[(\[]\s*([^()\[\]]{1,80}?)\s*[)\]][\s.]*$")
# Wire-photo style: "... in Washington, February 6, 2019. REUTERS/Joshua Roberts"
_SLASH_CREDIT = re.compile(
    r"(?:^|\s)((?:REUTERS|AFP|AP|EPA(?:-EFE)?|ANADOLU|XINHUA|SANA)\s*/\s*[^/\s][^/]{0,40}"
    r"(?:/[^/]{1,25})?)\s*$",
    re.IGNORECASE,
)


def _credit_in(inner: str) -> str:
    """The credit named inside a caption's closing brackets, or "" if it names none."""
    folded = _fold(inner)
    if _LABELLED_CREDIT.fullmatch(folded):
        label_end = re.search(r"[:：]|\bby\b", inner, re.IGNORECASE)
        return inner[label_end.end() :].strip() if label_end else inner.strip()
    if _AGENCY_CREDIT.fullmatch(folded):
        return inner.strip()
    return ""


def _caption_of(text: str) -> Caption | None:
    """A caption when the line is short and ends with a photo credit; text may be ""."""
    if _word_count(text) > CAPTION_MAX_WORDS:
        return None
    match = _BRACKETED_ENDING.search(text)
    if match and (credit := _credit_in(match.group(1))):
        return Caption(text[: match.start()].rstrip(" -–—:|،,"), credit)
    match = _SLASH_CREDIT.search(text)
    if match:
        return Caption(text[: match.start(1)].rstrip(), match.group(1).strip())
    return None


def split_caption_credit(text: str) -> Caption:
    """A caption known to be one (an HTML figcaption): its credit split off when it names one."""
    text = _clean_line(text)
    match = _BRACKETED_ENDING.search(text)
    if match and (credit := _credit_in(match.group(1))):
        return Caption(text[: match.start()].rstrip(" -–—:|،,"), credit)
    match = _SLASH_CREDIT.search(text)
    if match:
        return Caption(text[: match.start(1)].rstrip(" -–—:|،,"), match.group(1).strip())
    # "Caption text. Photo: Jane Doe" / "... - تصوير: سامر" after the last sentence.
    tail = re.search(r"(?:^|[.!?؟]\s+|\s[-–—|]\s*)([^.!?؟\-–—|]{1,80})$", text)
    if tail and _LABELLED_CREDIT.fullmatch(_fold(tail.group(1))):
        return Caption(text[: tail.start(1)].rstrip(" -–—:|،,"), _credit_in(tail.group(1)))
    return Caption(text, "")


_DATELINE_LEAD = _rx(rf"^[^.!?؟]{{0,60}}?(?:[(\[]\s*{_AGENCY}\s*[)\]]|[-–—]\s*{_AGENCY})\s*[-–—:]")
_CAPS_DATELINE = re.compile(r"^[A-Z][A-Z.'’ -]{2,40}(?:,\s*[A-Za-z. ]{2,30})?\s*[-–—]\s")


def _is_dateline_lead(text: str) -> bool:
    """Wire copy opens the body with a dateline ("WASHINGTON (Reuters) -", "بيروت - أ ف ب:")."""
    return bool(_DATELINE_LEAD.match(_fold(text)) or _CAPS_DATELINE.match(text))


# --------------------------------------------------------------------------
# Dates and bylines
# --------------------------------------------------------------------------

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
    _fold(name.replace("_", " ")).lower(): number
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
    spelled = sorted({_fold(name.replace("_", " ")) for name in names}, key=len, reverse=True)
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
    _rx(rf"(?:{shape})(?:\s*[,،\-–]?\s*{_TIME_RX})?")
    for shape in (
        r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
        r"(?:t\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?",
        rf"{_OPTIONAL_WEEKDAY}(?P<d>\d{{1,2}})[/.-](?P<m>\d{{1,2}})[/.-]{_YEAR}",
        rf"{_OPTIONAL_WEEKDAY}{_DAY}\s*{_MONTH_NAMED}\s*[,،]?\s*{_YEAR}",
        rf"{_OPTIONAL_WEEKDAY}{_MONTH_NAMED}\s+{_DAY}\s*[,،]?\s*{_YEAR}",
    )
)
_HIJRI_DATE = _rx(
    rf"{_OPTIONAL_WEEKDAY}\d{{1,2}}\s+(?:{_alternation(_HIJRI_MONTHS.split())})\s+\d{{4}}\s*(?:هـ|ه)?"
)
_WEEKDAY_ONLY = _rx(_WEEKDAY_RX)
_TIME_ONLY = _rx(_TIME_RX)
_DATE_LABEL = _rx(
    r"^(?P<label>(?:first\s+)?published|posted|(?:last\s+)?updated|date|نشر|تاريخ\s+النشر"
    r"|[اآ]خر\s+تحديث|تم\s+التحديث|تحديث|التاريخ|تاريخ)"
    r"(?:\s+(?:on|في|بتاريخ|يوم))?\s*[:：\-–]?\s*"
)
# "بقلم"/"By" may run straight into the name. The others need ":" or "-" after
# them, because "كتب" also means "books" and starts ordinary headlines.
_BYLINE_LABELS = r"بقلم|by|written\s+by|words\s+by|story\s+by"
_BYLINE_LABELS_NEEDING_COLON = r"كتبت|كتب|إعداد|تحرير|الكاتب|المحرر|author"
_AUTHOR = _rx(
    rf"^(?:(?P<label>{_BYLINE_LABELS})(?:\s*[:：\-–]\s*|\s+)"
    rf"|(?P<colon_label>{_BYLINE_LABELS_NEEDING_COLON})\s*[:：\-–]\s*)\S"
)
_AUTHOR_LABEL_ONLY = _rx(rf"^(?:{_BYLINE_LABELS}|{_BYLINE_LABELS_NEEDING_COLON})\s*[:：]?$")
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
    match = _AUTHOR.match(_fold(piece))
    if not match:
        return ""
    label = match.group("label") or match.group("colon_label")
    name = " ".join(piece.split()[len(label.split()) :]).strip(" :：-–")
    if not name or _word_count(name) > 8 or _ends_sentence(name):
        return ""
    if any(ch.isdigit() for ch in _fold(name)):
        return ""
    # "By the time ..." is a sentence; a Latin name is capitalised.
    if name[0].isascii() and not name[0].isupper():
        return ""
    return name


@dataclass
class _Meta:
    author: str = ""
    published: date | None = None
    updated: date | None = None
    hijri: bool = False
    hijri_date: dates.FoundDate | None = None

    @property
    def reason(self) -> str:
        parts = [
            label
            for label, present in (
                ("author", self.author),
                ("publication date", self.published),
                ("update date", self.updated),
                ("hijri date", self.hijri and not (self.published or self.updated)),
            )
            if present
        ]
        return " and ".join(parts) + " line" if parts else ""


def _read_meta_piece(piece: str, near_top: bool, meta: _Meta) -> bool:
    """Fold one piece of a byline/date line into meta; False if the piece is something else."""
    folded = _fold(piece)
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
    return bool(
        _WEEKDAY_ONLY.fullmatch(folded)
        or _TIME_ONLY.fullmatch(folded)
        or _AGENCY_CREDIT.fullmatch(folded)
    )


def _parse_meta(text: str, near_top: bool) -> _Meta | None:
    """Byline/date facts when the whole line is made of them, else None.

    Away from the top only explicitly labelled dates ("Published ...") count.
    """
    if _word_count(text) > META_MAX_WORDS:
        return None
    meta = _Meta()
    pieces = _META_SEPARATOR.split(text)
    # "كتبت - ليلى حسن": the dash after a byline label is not a separator.
    if len(pieces) > 1 and _AUTHOR_LABEL_ONLY.match(_fold(pieces[0])):
        pieces[:2] = [f"{pieces[0].rstrip(' :：')}: {pieces[1]}"]
    for piece in pieces:
        piece = piece.strip(" ,،")
        if piece and not _read_meta_piece(piece, near_top, meta):
            return None
    return meta if meta.reason else None


# --------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------

_ENGLISH_FUNCTION_WORDS = _folded_words("the and of to in a is that for on with was said")


_ARABIC_LETTER = re.compile("[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff]")
LANGUAGE_SAMPLE_CHARS = 20_000  # plenty to tell Arabic from English


def _detect_language(text: str) -> str:
    """ "ar" when most letters are Arabic, "en" for Latin text that reads as English, else ""."""
    text = text[:LANGUAGE_SAMPLE_CHARS]
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return ""
    if len(_ARABIC_LETTER.findall(text)) / len(letters) >= 0.5:
        return "ar"
    latin = sum("LATIN" in unicodedata.name(ch, "") for ch in letters)
    words = re.findall(r"[a-z]+", text.lower())
    function_words = sum(word in _ENGLISH_FUNCTION_WORDS for word in words)
    if latin / len(letters) >= 0.5 and words and function_words / len(words) >= 0.08:
        return "en"
    return ""


# --------------------------------------------------------------------------
# The parse
# --------------------------------------------------------------------------


@dataclass
class _Line:
    number: int  # 1-based, as in the input file
    text: str
    after_gap: bool  # a blank line (or the start of the text) comes right before it
    reason: str = ""  # why it is dropped; "" while it may be article text


@dataclass
class _Item:
    """A body block or caption in reading order, before kinds are decided."""

    lines: list[_Line]
    caption: Caption | None = None

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


@dataclass
class _Found:
    """Facts gathered from furniture and head lines on the way to the body."""

    author: str = ""
    published: date | None = None
    updated: date | None = None
    hijri: bool = False
    hijri_date: dates.FoundDate | None = None
    extra_published: list[date] = field(default_factory=list)
    crumbs: list[str] = field(default_factory=list)
    footer_section: str = ""
    url: str = ""
    tags: list[str] = field(default_factory=list)

    def take(self, meta: _Meta) -> None:
        if meta.author:
            self.author = f"{self.author}, {meta.author}" if self.author else meta.author
        if meta.published:
            if self.published is None:
                self.published = meta.published
            elif meta.published != self.published:
                self.extra_published.append(meta.published)
        self.updated = self.updated or meta.updated
        self.hijri = self.hijri or meta.hijri
        self.hijri_date = self.hijri_date or meta.hijri_date


def _read_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    after_gap = True
    for number, raw in enumerate(_NEWLINE.split(text), start=1):
        cleaned = _clean_line(raw)
        if cleaned:
            lines.append(_Line(number, cleaned, after_gap))
        after_gap = not cleaned
    return lines


def _mark_furniture(lines: list[_Line], found: _Found) -> None:
    for index, line in enumerate(lines):
        if line.reason:  # already claimed as the headline after a "Read also:" label
            continue
        if tags := _tags_in(line.text):
            line.reason = "tags"
            found.tags.extend(tag for tag in tags if tag not in found.tags)
        elif crumbs := _breadcrumb_in(line.text):
            line.reason = "breadcrumb"
            found.crumbs = found.crumbs or crumbs
        else:
            line.reason = _furniture_reason(line.text)
        # "Read also:" on its own line announces the headline on the next one.
        if (
            line.reason == "read-also link"
            and _READ_ALSO_LABEL_ONLY.match(_fold(line.text))
            and index + 1 < len(lines)
        ):
            following = lines[index + 1]
            if not _furniture_reason(following.text) and _is_link_like(following.text):
                following.reason = "read-also link"


def _mark_footer(lines: list[_Line], found: _Found) -> None:
    """Drop a "More from <section>" footer and the related headlines listed under it.

    The same words start ordinary sentences ("المزيد من القتلى ..."), so the
    line only counts as a footer when nothing after it is article text.
    """
    for index, line in enumerate(lines):
        if line.reason not in ("", "read-also link"):
            continue
        section = _more_from_section(line.text)
        if section is None:
            continue
        tail = [later for later in lines[index + 1 :] if not later.reason]
        if all(_is_link_like(later.text) and not _parse_meta(later.text, False) for later in tail):
            line.reason = "more-from footer"
            for later in tail:
                later.reason = "related link after more-from footer"
            found.footer_section = section
            return


def _next_unclaimed(lines: list[_Line], index: int) -> _Line | None:
    return next((line for line in lines[index + 1 :] if not line.reason), None)


def _is_section_kicker(text: str, following: _Line | None) -> bool:
    """A one- or two-word section name ("دوليات", "World") printed above the headline.

    Only when the next line reads as a headline: several words, not a
    sentence, not a byline or date. Headlines of two words or fewer are rare.
    """
    if _word_count(text) > 2 or not _looks_like_heading(text) or following is None:
        return False
    if any(ch.isdigit() for ch in _fold(text)):
        return False
    return (
        3 <= _word_count(following.text) <= TITLE_MAX_WORDS
        and _last_mark(following.text) not in ".:"
        and _parse_meta(following.text, near_top=True) is None
    )


def _find_title(lines: list[_Line], found: _Found) -> int:
    """Index of the title line; bylines, dates and a page URL above it are consumed."""
    meta_lines = 0
    for index, line in enumerate(lines):
        if line.reason == "lone url" and not found.url:
            found.url = line.text
        if line.reason:
            continue
        meta = _parse_meta(line.text, near_top=True)
        if meta is not None:
            found.take(meta)
            line.reason = meta.reason
            meta_lines += 1
            continue
        if _is_section_kicker(line.text, _next_unclaimed(lines, index)):
            line.reason = "section label above title"
            found.crumbs = found.crumbs or [line.text]
            continue
        words = _word_count(line.text)
        if words > TITLE_MAX_WORDS or len(line.text) > TITLE_MAX_CHARS:
            raise NoArticleError(
                f"No title found: the first text line (line {line.number}) is {words} words / "
                f"{len(line.text)} characters long, which reads as body text, not a headline."
            )
        return index
    reasons = ", ".join(sorted({line.reason for line in lines}))
    if not meta_lines:
        raise NoArticleError(
            f"No article: all {len(lines)} non-blank lines are page furniture ({reasons})."
        )
    raise NoArticleError(
        f"No title found: the text only has bylines, dates and page furniture ({reasons})."
    )


def _mark_head_meta(lines: list[_Line], found: _Found) -> None:
    head_budget = HEAD_ZONE_LINES
    for line in lines:
        if line.reason:
            continue
        meta = _parse_meta(line.text, near_top=head_budget > 0)
        head_budget -= 1
        if meta is not None:
            found.take(meta)
            line.reason = meta.reason


def _group_body(lines: list[_Line]) -> list[_Item]:
    """Body lines into blocks and captions; dropped lines and blank lines end a block."""
    items: list[_Item] = []
    current: _Item | None = None
    for line in lines:
        if line.reason:
            current = None
            continue
        caption = _caption_of(line.text)
        if caption is not None and not caption.text:
            line.reason = "lone photo credit"
            current = None
        elif caption is not None:
            items.append(_Item([line], caption))
            current = None
        elif current and not line.after_gap and _wraps_into_next(current.lines[-1].text):
            current.lines.append(line)
        else:
            current = _Item([line])
            items.append(current)
    # Wire copy often ends with "... قالت الوزارة. (رويترز)": an attribution, not a caption.
    if items and items[-1].caption and _ends_sentence(items[-1].caption.text):
        items[-1].caption = None
    return items


def _is_heading_candidate(item: _Item) -> bool:
    return len(item.lines) == 1 and _looks_like_heading(item.text)


def _choose_standfirst(texts: list[_Item]) -> _Item | None:
    if len(texts) < 2:
        return None
    first = texts[0]
    if _word_count(first.text) > STANDFIRST_MAX_WORDS or _is_dateline_lead(first.text):
        return None
    if not any(not _is_heading_candidate(item) for item in texts[1:]):
        return None
    return first


def _body_blocks(texts: list[_Item]) -> list[Block]:
    """Sub-headings are heading-shaped blocks with body text somewhere after them."""
    blocks: list[Block] = []
    body_follows = False
    for item in reversed(texts):
        is_heading = _is_heading_candidate(item) and body_follows
        blocks.append(Block("heading" if is_heading else "paragraph", item.text))
        body_follows = body_follows or not _is_heading_candidate(item)
    return blocks[::-1]


def _section(found: _Found, title: str, warnings: list[str]) -> str:
    crumbs = [crumb for crumb in found.crumbs if crumb != title]
    from_crumbs = crumbs[-1] if crumbs else ""
    if from_crumbs and found.footer_section and from_crumbs != found.footer_section:
        warnings.append(
            f"Section is ambiguous: the breadcrumb says {from_crumbs!r}, the footer says "
            f"{found.footer_section!r}; kept the footer's."
        )
    return found.footer_section or from_crumbs


def _date_warnings(found: _Found) -> list[str]:
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


def parse_plaintext(text: str) -> ParsedArticle:
    """Parse one scraped plain-text article.

    Raises NoArticleError (a ValueError) when the text is empty, only page
    furniture, has no plausible title, or has a title but no body.
    """
    lines = _read_lines(text)
    if not lines:
        raise NoArticleError("No article: the text is empty or only whitespace.")

    found = _Found()
    _mark_furniture(lines, found)
    _mark_footer(lines, found)
    title_index = _find_title(lines, found)
    title_line = lines[title_index]
    body_lines = lines[title_index + 1 :]
    _mark_head_meta(body_lines, found)
    items = _group_body(body_lines)

    texts = [item for item in items if item.caption is None]
    standfirst = _choose_standfirst(texts)
    blocks = _body_blocks([item for item in texts if item is not standfirst])
    if not any(block.kind == "paragraph" for block in blocks):
        raise NoArticleError(
            f"No article: line {title_line.number} reads as a title ({title_line.text!r}) "
            "but no body text follows it."
        )

    warnings = _date_warnings(found)
    published = found.published or (found.hijri_date.date if found.hijri_date else None)
    section = _section(found, title_line.text, warnings)
    language_sample = " ".join(
        [title_line.text, standfirst.text if standfirst else "", *(b.text for b in blocks)]
    )
    return ParsedArticle(
        title=title_line.text,
        blocks=blocks,
        standfirst=standfirst.text if standfirst else "",
        captions=[item.caption for item in items if item.caption is not None],
        author=found.author,
        section=section,
        url=found.url,
        language=_detect_language(language_sample),
        published=published,
        published_precision=dates.DAY if published else "",
        tags=found.tags,
        dropped=[DroppedLine(line.number, line.text, line.reason) for line in lines if line.reason],
        warnings=warnings,
    )
