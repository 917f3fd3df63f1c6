"""The plain-text parser itself: the lines of a scraped article, in order, to a ParsedArticle.

``parse_plaintext`` reads the lines, drops a transport header block (dating), marks page
furniture and a "More from" footer, finds the title (consuming bylines, dates and a section label
above it; in a hard-wrapped text the lines it was wrapped onto, see wrapping), reads the bylines
and dates just below it, groups the rest into blocks and captions (blocks), picks the standfirst
(standfirst) and the sub-headings (headings), dates the article (dating), tells its language, and
reports every dropped line with its reason. The layout rules are in the package docstring. Pure.
"""

from __future__ import annotations

import re
import unicodedata

from archive.ingest import dates
from archive.ingest.plaintext import dating
from archive.ingest.plaintext.blocks import group_body
from archive.ingest.plaintext.bylines import parse_meta
from archive.ingest.plaintext.furniture import (
    breadcrumb_in,
    furniture_reason_of_clean_line,
    is_read_also_label,
    more_from_section,
    tags_in,
)
from archive.ingest.plaintext.headings import body_blocks
from archive.ingest.plaintext.standfirst import choose_standfirst
from archive.ingest.plaintext.state import Found, Line
from archive.ingest.plaintext.text import (
    clean_line,
    fold,
    folded_words,
    is_link_like,
    last_mark,
    looks_like_heading,
    word_count,
)
from archive.ingest.plaintext.wrapping import HardWrap, hard_wrap
from archive.ingest.types import DroppedLine, ParsedArticle

__all__ = ["NoArticleError", "parse_plaintext"]


class NoArticleError(ValueError):
    """The text holds nothing that can be archived as an article."""


TITLE_MAX_WORDS = 40
TITLE_MAX_CHARS = 300
# Bylines and unlabelled dates are only believed this close to the title
# (counted in non-furniture lines); further down they are body text.
HEAD_ZONE_LINES = 6
# Not str.splitlines(): it also breaks on \x0c, \x1c, \u2028 ..., which would
# shift line numbers away from what an editor sees in the file.
_NEWLINE = re.compile(r"\r\n|\r|\n")


# --------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------

_ENGLISH_FUNCTION_WORDS = folded_words("the and of to in a is that for on with was said")


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


def _read_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    after_gap = True
    for number, raw in enumerate(_NEWLINE.split(text), start=1):
        cleaned = clean_line(raw)
        if cleaned:
            lines.append(Line(number, cleaned, after_gap))
        after_gap = not cleaned
    return lines


def _mark_furniture(lines: list[Line], found: Found) -> None:
    for index, line in enumerate(lines):
        if line.reason:  # already claimed as the headline after a "Read also:" label
            continue
        if tags := tags_in(line.text):
            line.reason = "tags"
            found.tags.extend(tag for tag in tags if tag not in found.tags)
        elif crumbs := breadcrumb_in(line.text):
            line.reason = "breadcrumb"
            found.crumbs = found.crumbs or crumbs
        else:
            line.reason = furniture_reason_of_clean_line(line.text)
        # "Read also:" on its own line announces the headline on the next one.
        if (
            line.reason == "read-also link"
            and is_read_also_label(line.text)
            and index + 1 < len(lines)
        ):
            following = lines[index + 1]
            if not furniture_reason_of_clean_line(following.text) and is_link_like(following.text):
                following.reason = "read-also link"


def _mark_footer(lines: list[Line], found: Found) -> None:
    """Drop a "More from <section>" footer and the related headlines listed under it.

    The same words start ordinary sentences ("المزيد من القتلى ..."), so the
    line only counts as a footer when nothing after it is article text.
    """
    for index, line in enumerate(lines):
        if line.reason not in ("", "read-also link"):
            continue
        section = more_from_section(line.text)
        if section is None:
            continue
        tail = [later for later in lines[index + 1 :] if not later.reason]
        if all(is_link_like(later.text) and not parse_meta(later.text, False) for later in tail):
            line.reason = "more-from footer"
            for later in tail:
                later.reason = "related link after more-from footer"
            found.footer_section = section
            return


def _next_unclaimed(lines: list[Line], index: int) -> Line | None:
    return next((line for line in lines[index + 1 :] if not line.reason), None)


def _is_section_kicker(text: str, following: Line | None) -> bool:
    """A one- or two-word section name ("دوليات", "World") printed above the headline.

    Only when the next line reads as a headline: several words, not a
    sentence, not a byline or date. Headlines of two words or fewer are rare.
    """
    if word_count(text) > 2 or not looks_like_heading(text) or following is None:
        return False
    if any(ch.isdigit() for ch in fold(text)):
        return False
    return (
        3 <= word_count(following.text) <= TITLE_MAX_WORDS
        and last_mark(following.text) not in ".:"
        and parse_meta(following.text, near_top=True) is None
    )


def _find_title(lines: list[Line], found: Found) -> int:
    """Index of the title line; bylines, dates and a page URL above it are consumed."""
    meta_lines = 0
    for index, line in enumerate(lines):
        if line.reason == "lone url" and not found.url:
            found.url = line.text
        if line.reason:
            continue
        meta = parse_meta(line.text, near_top=True)
        if meta is not None:
            found.take(meta)
            line.reason = meta.reason
            meta_lines += 1
            continue
        if _is_section_kicker(line.text, _next_unclaimed(lines, index)):
            line.reason = "section label above title"
            found.crumbs = found.crumbs or [line.text]
            continue
        words = word_count(line.text)
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


def _title_lines(lines: list[Line], index: int, wrap: HardWrap | None) -> list[Line]:
    """The title's line, and in a hard-wrapped text the lines it was wrapped onto."""
    title = [lines[index]]
    for line in lines[index + 1 :]:
        text = " ".join(part.text for part in title)
        if (
            wrap is None
            or line.reason
            or line.number != title[-1].number + 1
            or not wrap.continues(title[-1].text, line.text)
            or word_count(f"{text} {line.text}") > TITLE_MAX_WORDS
        ):
            break
        title.append(line)
    return title


def _mark_head_meta(lines: list[Line], found: Found) -> None:
    head_budget = HEAD_ZONE_LINES
    for line in lines:
        if line.reason:
            continue
        meta = parse_meta(line.text, near_top=head_budget > 0, cities=head_budget > 0)
        head_budget -= 1
        if meta is not None:
            found.take(meta)
            line.reason = meta.reason
            line.meta = True


def _section(found: Found, title: str, warnings: list[str]) -> str:
    crumbs = [crumb for crumb in found.crumbs if crumb != title]
    from_crumbs = crumbs[-1] if crumbs else ""
    if from_crumbs and found.footer_section and from_crumbs != found.footer_section:
        warnings.append(
            f"Section is ambiguous: the breadcrumb says {from_crumbs!r}, the footer says "
            f"{found.footer_section!r}; kept the footer's."
        )
    return found.footer_section or from_crumbs


def parse_plaintext(text: str, *, name: str = "") -> ParsedArticle:
    """Parse one scraped plain-text article; `name` is its file name (or path), whose date, if
    it has one, is what "أمس" means when nothing in the file says.

    Raises NoArticleError (a ValueError) when the text is empty, only page
    furniture, has no plausible title, or has a title but no body.
    """
    lines = _read_lines(text)
    if not lines:
        raise NoArticleError("No article: the text is empty or only whitespace.")

    found = Found()
    dating.mark_transport_headers(lines, found)
    _mark_furniture(lines, found)
    _mark_footer(lines, found)
    title_index = _find_title(lines, found)
    title_line = lines[title_index]
    _mark_head_meta(lines[title_index + 1 :], found)
    wrap = hard_wrap(lines)
    title_lines = _title_lines(lines, title_index, wrap)
    title = " ".join(line.text for line in title_lines)
    body_lines = lines[title_index + len(title_lines) :]
    items = group_body(body_lines, wrap)

    texts = [item for item in items if item.caption is None]
    standfirst = choose_standfirst(items, lines)
    blocks = body_blocks([item for item in texts if item is not standfirst])
    if not any(block.kind == "paragraph" for block in blocks):
        raise NoArticleError(
            f"No article: line {title_line.number} reads as a title ({title!r}) "
            "but no body text follows it."
        )

    reference = dating.reference(found, texts, name)
    warnings = dating.resolve_relative(found, reference) or dating.date_warnings(found)
    published = found.published or (found.hijri_date.date if found.hijri_date else None)
    section = _section(found, title, warnings)
    language_sample = " ".join(
        [title, standfirst.text if standfirst else "", *(b.text for b in blocks)]
    )
    return ParsedArticle(
        title=title,
        blocks=blocks,
        standfirst=standfirst.text if standfirst else "",
        captions=[item.caption for item in items if item.caption is not None],
        author=found.author,
        section=section,
        url=found.url,
        language=_detect_language(language_sample),
        published=published,
        published_precision=(found.precision if found.published else dates.DAY)
        if published
        else "",
        tags=found.tags,
        dropped=[DroppedLine(line.number, line.text, line.reason) for line in lines if line.reason],
        warnings=warnings,
    )
