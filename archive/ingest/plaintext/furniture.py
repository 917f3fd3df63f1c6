"""Page furniture: the lines of a scraped page that are not part of the article.

Cookie and JavaScript notices, "read also" links, advertisements, newsletter prompts, copyright
lines, lone URLs, reading times, comment prompts and share-button rows are recognised by
``furniture_reason``; tag lists, breadcrumbs and a "More from <section>" footer are read here too,
because the parser keeps what they say (tags, the section) while dropping the line. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.ingest.plaintext.text import (
    clean_line,
    ends_sentence,
    fold,
    folded_words,
    rx,
    word_count,
)


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
_READ_ALSO = rx(rf"^(?:{_READ_ALSO_AR})|^(?:{_READ_ALSO_EN})\s*(?:[:：\-–|]|$)")
_READ_ALSO_LABEL_ONLY = rx(rf"^(?:{_READ_ALSO_AR}|{_READ_ALSO_EN})\s*[:：\-–]?\s*$")

_FURNITURE_RULES = (
    _FurnitureRule(
        "javascript notice",
        rx(
            r"\b(?:enable|turn\s+on|activate|allow)\b.{0,40}\bjavascript\b"
            r"|\bjavascript\s+(?:is|seems\s+to\s+be)\s+(?:disabled|required|off)"
            r"|(?:تفعيل|تمكين)\s+(?:ال)?جافا\s?سكري?بت"
        ),
        30,
    ),
    _FurnitureRule(
        "cookie notice",
        rx(
            r"\bcookies?\b.{0,80}\b(?:use|using|accept|policy|consent|agree|settings|preferences)\b"
            r"|\b(?:use|accept|allow|reject|manage)\b.{0,40}\bcookies?\b"
            r"|ملفات\s+(?:تعريف\s+)?(?:ال)?ارتباط|(?:ال)?كوكيز"
        ),
        45,
    ),
    _FurnitureRule("read-also link", _READ_ALSO, 30),
    _FurnitureRule(
        "advertisement",
        rx(
            r"^(?:advertisement|advertising|sponsored(?:\s+content)?|ad|إعلان|إعلانات"
            r"|محتوى\s+(?:مدعوم|ممول)|story\s+continues\s+below(?:\s+advertisement)?"
            r"|scroll\s+to\s+continue(?:\s+with\s+content)?)[\s.:…]*$"
        ),
        6,
    ),
    _FurnitureRule(
        "newsletter prompt",
        rx(
            r"\bnewsletters?\b|^subscribe\b|\bsubscribe\s+(?:to|for|now|today)\b"
            r"|\bsign\s+up\b.{0,40}\b(?:newsletter|email|inbox|updates|alerts)\b|\bfollow\s+us\s+on\b"
            r"|النشرة\s+(?:البريدية|الإخبارية)|نشرتنا|اشترك.{0,30}(?:النشرة|قناتنا|القناة|مجانا)"
            r"|ليصلك|لتصلك|ليصلكم|(?:تابعونا|تابعنا)\s+(?:على|عبر)"
        ),
        30,
    ),
    _FurnitureRule(
        "copyright notice",
        rx(
            r"^(?:©|\(c\)|copyright\b)|(?:جميع|كافة)\s+الحقوق\s+محفوظة"
            r"|حقوق\s+(?:النشر|الطبع)\s+محفوظة|all\s+rights\s+reserved"
        ),
        25,
    ),
    _FurnitureRule("lone url", rx(r"^(?:https?://|www\.)\S+$"), 1),
    _FurnitureRule(
        "reading time",
        rx(r"^\d+\s*(?:min|mins|minutes?)\s+read$|^\d+\s*(?:دقيقة|دقائق)\s+(?:للقراءة|قراءة)$"),
        5,
    ),
    _FurnitureRule(
        "comments prompt",
        rx(
            r"^(?:\d+\s+)?(?:comments?|leave\s+a\s+comment|add\s+a\s+comment"
            r"|أضف\s+تعليقا?|التعليقات|تعليقات?)[\s:]*$"
        ),
        5,
    ),
)


_SHARE_WORDS = folded_words(
    "share sharing facebook twitter whatsapp telegram linkedin email e-mail print reddit "
    "messenger شارك شاركها شاركوا مشاركة فيسبوك تويتر واتساب تلغرام تيليغرام تلجرام "
    "لينكدإن طباعة"
)
_SHARE_FILLERS = folded_words(
    "on via this the article story page post link copy x to by your friends with "
    "فيس بوك واتس اب على عبر هذا هذه المقال المقالة الخبر الموضوع الرابط رابط نسخ "
    "البريد الإلكتروني إكس مع أصدقائك"
)
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def _is_share_buttons(text: str) -> bool:
    """A line made only of share-button labels ("شارك تويتر فيسبوك واتساب", "Share on X")."""
    words = _WORD.findall(fold(text).lower())
    return (
        0 < len(words) <= 12
        and any(word in _SHARE_WORDS for word in words)
        and all(w in _SHARE_WORDS or w in _SHARE_FILLERS or w.isdigit() for w in words)
    )


_FURNITURE_MAX_WORDS = max(rule.max_words for rule in _FURNITURE_RULES)


def furniture_reason(text: str) -> str:
    """Why a line of text is page furniture (cookie notice, share buttons …), or ""."""
    return furniture_reason_of_clean_line(clean_line(text))


def furniture_reason_of_clean_line(text: str) -> str:
    """Why a line is page furniture, or "" if it may be article text (``text`` is clean_line'd)."""
    words = word_count(text)
    if words > _FURNITURE_MAX_WORDS:
        return ""
    folded = fold(text)
    for rule in _FURNITURE_RULES:
        if words <= rule.max_words and rule.pattern.search(folded):
            return rule.reason
    if _is_share_buttons(text):
        return "share buttons"
    return ""


def is_read_also_label(text: str) -> bool:
    """A "Read also:" label alone on its line: it announces the headline on the next one."""
    return bool(_READ_ALSO_LABEL_ONLY.match(fold(text)))


_TAGS_LINE = rx(
    r"^(?:tags|topics|keywords|الوسوم|وسوم|الكلمات\s+المفتاحية|كلمات\s+مفتاحية"
    r"|الكلمات\s+الدالة|كلمات\s+دالة)\s*[:：]"
)
_HASHTAGS_LINE = re.compile(r"^#[^\s#]+(?:\s+#[^\s#]+)*$")
_BREADCRUMB = rx(r"^(?:home|الرئيسية|الصفحة\s+الرئيسية)\s*[>»›/|]")
_BREADCRUMB_SEPARATOR = re.compile(r"\s*[>»›/|]\s*")
_TAG_SEPARATOR = re.compile(r"\s*[,،;؛|#]\s*")


def tags_in(text: str) -> list[str] | None:
    """Tags from a "Tags: a, b" / "الوسوم: أ، ب" / "#a #b" line, or None."""
    if _HASHTAGS_LINE.match(text):
        return [tag.lstrip("#").replace("_", " ") for tag in text.split()]
    if word_count(text) <= 40 and _TAGS_LINE.match(fold(text)):
        listed = re.split(r"[:：]", text, maxsplit=1)[1]
        return [tag.strip() for tag in _TAG_SEPARATOR.split(listed) if tag.strip()]
    return None


def breadcrumb_in(text: str) -> list[str] | None:
    """The crumbs after "Home >" / "الرئيسية ›", or None."""
    if word_count(text) <= 15 and _BREADCRUMB.match(fold(text)):
        return [crumb for crumb in _BREADCRUMB_SEPARATOR.split(text)[1:] if crumb]
    return None


_MORE_FROM = rx(r"^(?:اقرأ\s+)?المزيد\s+(?:من|في|عن)\s+|^(?:read\s+)?more\s+(?:from|in)\s+")


def more_from_section(text: str) -> str | None:
    """The section named by a "المزيد من دوليات" / "More from World" footer, or None."""
    if word_count(text) > 6 or ends_sentence(text):
        return None
    match = _MORE_FROM.match(fold(text))
    if not match:
        return None
    # Folding keeps word boundaries, so the label's word count maps back to the original.
    section = " ".join(text.split()[len(match.group(0).split()) :]).strip(" :-–—»›>")
    return section or None
