"""Who a line credits: photo credits and captions, and the wire dateline that opens a body.

A caption is a short line ending with a photo credit — bracketed ("(أ ف ب)", "(Getty Images)"),
labelled ("تصوير: …", "Photo: …") or wire style ("REUTERS/Joshua Roberts"). The same agency
names make a body's first paragraph a dateline lead ("WASHINGTON (Reuters) -", "بيروت - أ ف ب:"),
which is never the standfirst. Pure.
"""

from __future__ import annotations

import re
from datetime import date

from archive.ingest import dates
from archive.ingest.plaintext.text import clean_line, fold, rx, word_count
from archive.ingest.types import Caption

CAPTION_MAX_WORDS = 35

# Agencies as they appear in credits: dotted or spaced Arabic initials (أ.ف.ب،
# أ ف ب), names in both scripts. Written unfolded; rx folds them.
_AGENCY = (
    r"(?:ا[\s.]*ف[\s.]*ب|ا[\s.]*ش[\s.]*ا|د[\s.]*ب[\s.]*ا|ا[\s.]*ب"
    r"|رويترز|(?:وكالة\s+)?(?:ال)?أناضول|(?:وكالة\s+)?(?:ال)?صحافة\s+الفرنسية|فرانس\s*برس"
    r"|أسوشي?يتد\s+برس|(?:غيتي|جيتي)(?:\s+(?:إيماجز|إيمجز))?|إيبا|إي\s+بي\s+إيه"
    r"|شينخوا|سانا|واس|وام|قنا|كونا|بترا"
    r"|a[\s.]*f[\s.]*p|a[\s.]*p|reuters|associated\s+press|getty(?:\s+images)?|epa(?:[\s-]+efe)?"
    r"|efe|anadolu(?:\s+agency)?|aa|dpa|xinhua|sana|upi|ansa|shutterstock|handout)"
    r"\.?(?:\s+(?:photos?|images?))?"
)
AGENCY_CREDIT = rx(rf"{_AGENCY}(?:\s*(?:/|\bvia\b|,|،|-|–|\||\+)\s*[^()\[\]]{{1,40}})?")
_LABELLED_CREDIT = rx(
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
    folded = fold(inner)
    if _LABELLED_CREDIT.fullmatch(folded):
        label_end = re.search(r"[:：]|\bby\b", inner, re.IGNORECASE)
        return inner[label_end.end() :].strip() if label_end else inner.strip()
    if AGENCY_CREDIT.fullmatch(folded):
        return inner.strip()
    return ""


def caption_of(text: str) -> Caption | None:
    """A caption when the line is short and ends with a photo credit; text may be ""."""
    if word_count(text) > CAPTION_MAX_WORDS:
        return None
    match = _BRACKETED_ENDING.search(text)
    if match and (credit := _credit_in(match.group(1))):
        return Caption(text[: match.start()].rstrip(" -–—:|،,"), credit)
    match = _SLASH_CREDIT.search(text)
    if match:
        return Caption(text[: match.start(1)].rstrip(), match.group(1).strip())
    return None


_LONE_BRACKETED = re.compile(r"^[(\[]\s*([^()\[\]]{1,80}?)\s*[)\]][\s.]*$")


def lone_credit(text: str) -> str:
    """The credit when the whole line is one: "(رويترز)", "Photo: AFP", "تصوير: سامر",
    "REUTERS/Ahmed Jadallah", "AFP via Getty Images". Otherwise ""."""
    if word_count(text) > 12:
        return ""
    match = _LONE_BRACKETED.match(text)
    if match:
        return _credit_in(match.group(1))
    slash = _SLASH_CREDIT.search(text)
    if slash and slash.start(1) == 0:
        return slash.group(1).strip()
    core = text.strip().rstrip(".")
    if _LABELLED_CREDIT.fullmatch(fold(core)) or AGENCY_CREDIT.fullmatch(fold(core)):
        return _credit_in(core)
    return ""


def split_caption_credit(text: str) -> Caption:
    """A caption known to be one (an HTML figcaption): its credit split off when it names one."""
    text = clean_line(text)
    match = _BRACKETED_ENDING.search(text)
    if match and (credit := _credit_in(match.group(1))):
        return Caption(text[: match.start()].rstrip(" -–—:|،,"), credit)
    match = _SLASH_CREDIT.search(text)
    if match:
        return Caption(text[: match.start(1)].rstrip(" -–—:|،,"), match.group(1).strip())
    # "Caption text. Photo: Jane Doe" / "... - تصوير: سامر" after the last sentence.
    tail = re.search(r"(?:^|[.!?؟]\s+|\s[-–—|]\s*)([^.!?؟\-–—|]{1,80})$", text)
    if tail and _LABELLED_CREDIT.fullmatch(fold(tail.group(1))):
        return Caption(text[: tail.start(1)].rstrip(" -–—:|،,"), _credit_in(tail.group(1)))
    return Caption(text, "")


_DATELINE_LEAD = rx(rf"^[^.!?؟]{{0,60}}?(?:[(\[]\s*{_AGENCY}\s*[)\]]|[-–—]\s*{_AGENCY})\s*[-–—:]")
_CAPS_DATELINE = re.compile(r"^[A-Z][A-Z.'’ -]{2,40}(?:,\s*[A-Za-z. ]{2,30})?\s*[-–—]\s")


DATELINE_PLACE_WORDS = 3  # "بيروت", "New York", "خان شيخون"; more is a sentence
# "بيروت، 6 فبراير 2019 (أ ف ب) -", "BEIRUT, Feb. 6, 2019 (Reuters) -", "دمشق في 6 شباط 2019:"
_DATED_DATELINE = re.compile(
    r"^(?P<place>[^\W\d_][^\d.!?؟:()\[\]،,\-–—]{1,40}?)\s*(?:[,،]|\s+في|\s+[-–—])\s*"
    r"(?P<date>[^()\[\]:\-–—]{6,40}?)\s*(?:[(\[][^)\]]{1,40}[)\]])?\s*[-–—:]\s"
)


def dateline_date(text: str) -> date | None:
    """The full date in a dateline that opens a paragraph, or None ("WASHINGTON, Feb 6
    (Reuters) -" names no year, so no date)."""
    match = _DATED_DATELINE.match(text)
    if not match or word_count(match["place"]) > DATELINE_PLACE_WORDS:
        return None
    found = dates.parse_date(match["date"])
    return found.date if found is not None and found.precision == dates.DAY else None


def is_dateline_lead(text: str) -> bool:
    """Wire copy opens the body with a dateline ("WASHINGTON (Reuters) -", "بيروت - أ ف ب:")."""
    return bool(_DATELINE_LEAD.match(fold(text)) or _CAPS_DATELINE.match(text))
