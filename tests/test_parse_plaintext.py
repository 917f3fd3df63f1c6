"""Tests for the scraped plain-text article parser (pure: runs with -p no:django)."""

from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path

import pytest

from archive.ingest.plaintext import NoArticleError, parse_plaintext
from archive.ingest.plaintext.credits import lone_credit
from archive.ingest.types import Caption, ParsedArticle

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_78a0c063ebd393f5.txt"
DATA = Path(__file__).resolve().parent / "data" / "plaintext"
AR_BYLINE = DATA / "ar_byline_cookies_reuters.txt"
EN_REUTERS = DATA / "en_reuters_like.txt"
AR_PER_LINE = DATA / "ar_one_paragraph_per_line.txt"
EN_WRAPPED = DATA / "en_hard_wrapped.txt"
AR_WRAPPED = DATA / "ar_hard_wrapped.txt"
ALL_FILES = [
    SEED,
    AR_BYLINE,
    EN_REUTERS,
    AR_PER_LINE,
    EN_WRAPPED,
    AR_WRAPPED,
    DATA / "ar_asharq_style.txt",
    DATA / "ar_warc_headers_relative_date.txt",
]

# A minimal article to slot a line into; the body sentences are long and end
# with a full stop, so they can only ever be paragraphs.
TITLE = "واشنطن تطمئن الحلفاء إزاء التزاماتها في سوريا والعراق"
BODY_1 = (
    "كررت الولايات المتحدة التزامها إلحاق هزيمة نهائية بتنظيم داعش سعياً إلى التخفيف "
    "من تداعيات انسحابها من سوريا، مع مطالبة حلفائها بالقيام بالمثل."
)
BODY_2 = (
    "واجتمع وزراء خارجية الدول الأعضاء في التحالف الدولي بمعية وزير الخارجية الأميركي، "
    "وعلى جدول أعمالهم العديد من المسائل الشائكة."
)
BODY_3 = (
    "وأعلنت الحكومة العراقية الانتصار في الحرب على التنظيم، وأن الحرب في العراق انتهت "
    "من ناحية السيطرة على الأراضي."
)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def article(*blocks: str) -> str:
    """Blocks separated by blank lines, the way the seed is laid out."""
    return "\n\n".join(blocks) + "\n"


def clean(raw: str) -> str:
    return " ".join(raw.replace("\ufeff", "").replace("\u200f", "").split())


def text_blocks(parsed: ParsedArticle) -> list[str]:
    """The standfirst, if any, and the paragraphs: the article's text in order."""
    return [text for text in [parsed.standfirst, *parsed.paragraphs] if text]


def assert_every_line_accounted(text: str, parsed: ParsedArticle) -> None:
    """Each non-blank input line ends up in exactly one visible place, and nothing is invented."""
    dropped = {(entry.line, entry.text) for entry in parsed.dropped}
    assert len(dropped) == len(parsed.dropped), "a line was dropped twice"
    body_texts = [block.text for block in parsed.blocks]
    cleaned_lines = []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = clean(raw)
        if not line:
            continue
        cleaned_lines.append(line)
        places = [
            line in parsed.title,  # a hard-wrapped title spans lines
            bool(parsed.standfirst) and line in parsed.standfirst,
            any(c.text in line and c.credit in line for c in parsed.captions),
            # A caption whose credit is on the next line ("Photo: AFP", "(رويترز)").
            any(
                line == c.text or (c.credit in line and lone_credit(line)) for c in parsed.captions
            ),
            any(line in body for body in body_texts),
            (number, line) in dropped,
        ]
        assert any(places), f"line {number} is not accounted for: {line!r}"
        if (number, line) in dropped:
            assert line != parsed.title and line not in body_texts, f"line {number} used twice"
    # Every output text is made of whole input lines joined in order.
    joined = " ".join(cleaned_lines)
    for produced in [parsed.title, parsed.standfirst, *body_texts]:
        assert produced in joined


# --------------------------------------------------------------------------
# The seed
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> ParsedArticle:
    return parse_plaintext(read(SEED))


def test_seed_title(seed):
    assert seed.title == (
        "واشنطن تطمئن الحلفاء إزاء التزاماتها في سوريا والعراق وبومبيو يقرّ بأن داعش "
        "ما زال يشكل تهديداً خطيراً"
    )


def test_seed_drops_javascript_notice_and_footer(seed):
    assert [(d.line, d.text, d.reason) for d in seed.dropped] == [
        (1, "Sorry, you need to enable JavaScript to visit this website.", "javascript notice"),
        (41, "المزيد من دوليات", "more-from footer"),
    ]


def test_seed_standfirst(seed):
    assert seed.standfirst == (
        "التحالف المكوّن من 79 عضواً بقيادة الولايات المتحدة، يجتمع لإجراء نقاشات معمقة "
        'حول "الهزيمة الإقليمية الوشيكة" لـ "داعش" في العراق وسوريا.'
    )


def test_seed_caption_keeps_agency_as_credit(seed):
    assert seed.captions == [
        Caption(
            "وزراء خارجية الدول الاعضاء في التحالف الدولي ضد داعش في وزارة الخارجية الأميركية",
            "أ.ف.ب.",
        )
    ]


def test_seed_headings_in_order(seed):
    assert seed.headings == [
        "قرار ترمب يثير بلبلة بين الحلفاء قبل الخصوم",
        '"الهزيمة الإقليمية"',
        'منع عودة "داعش"',
        "تاريخ إنشاء التحالف",
    ]


def test_seed_has_twelve_body_paragraphs(seed):
    lines = read(SEED).splitlines()
    paragraph_lines = [9, 11, 15, 17, 21, 23, 27, 29, 31, 35, 37, 39]
    assert seed.paragraphs == [lines[number - 1] for number in paragraph_lines]
    assert [b.kind for b in seed.blocks] == [
        "paragraph", "paragraph", "heading",
        "paragraph", "paragraph", "heading",
        "paragraph", "paragraph", "heading",
        "paragraph", "paragraph", "paragraph", "heading",
        "paragraph", "paragraph", "paragraph",
    ]  # fmt: skip


def test_seed_section_from_footer(seed):
    assert seed.section == "دوليات"


def test_seed_has_no_invented_date(seed):
    # The body mentions 12 يوليو (تموز) 2018 and others; none is the publication date.
    assert seed.published is None
    assert any("No publication date found" in warning for warning in seed.warnings)


def test_seed_metadata_left_empty(seed):
    assert seed.language == "ar"
    assert (seed.author, seed.url, seed.source, seed.tags) == ("", "", "", [])


# --------------------------------------------------------------------------
# Layout 1: Arabic, date + byline, cookie/share junk, Reuters caption
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ar_byline() -> ParsedArticle:
    return parse_plaintext(read(AR_BYLINE))


def test_ar_byline_head(ar_byline):
    assert ar_byline.title == (
        "مقتل ١٢ مدنياً بقصف على ريف إدلب وفرق الإنقاذ تواصل البحث عن ناجين تحت الأنقاض"
    )
    assert ar_byline.published == date(2019, 2, 6)  # from Arabic-Indic digits
    assert ar_byline.author == "سامر الحلبي"
    assert ar_byline.standfirst.startswith("قصف مدفعي وصاروخي")
    assert ar_byline.warnings == []
    assert ar_byline.language == "ar"
    assert ar_byline.section == ""


def test_ar_byline_caption(ar_byline):
    assert ar_byline.captions == [
        Caption("عناصر من الدفاع المدني يبحثون عن ناجين بين أنقاض مبنى في بلدة خان شيخون", "رويترز")
    ]


def test_ar_byline_body(ar_byline):
    assert ar_byline.headings == ["نزوح جديد نحو الحدود التركية", "اتفاق سوتشي على المحك"]
    assert len(ar_byline.paragraphs) == 6
    # Body digits are kept as written; the 2018 date in the body is not the publication date.
    assert "١٧ سبتمبر (أيلول) ٢٠١٨" in ar_byline.paragraphs[4]


def test_ar_byline_joins_soft_wrapped_lines(ar_byline):
    lines = read(AR_BYLINE).splitlines()
    assert ar_byline.paragraphs[1] == " ".join(lines[17:20])


def test_ar_byline_dropped(ar_byline):
    assert [(d.line, d.reason) for d in ar_byline.dropped] == [
        (1, "cookie notice"),
        (2, "cookie notice"),
        (5, "publication date line"),
        (6, "author line"),
        (8, "share buttons"),
        (9, "share buttons"),
        (22, "read-also link"),
        (30, "advertisement"),
        (38, "copyright notice"),
    ]
    # NBSP and trailing spaces are normalised in what is reported.
    assert ar_byline.dropped[5].text == "تويتر فيسبوك واتساب"


# --------------------------------------------------------------------------
# Layout 2: English, Reuters-like
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def en_reuters() -> ParsedArticle:
    return parse_plaintext(read(EN_REUTERS))


def test_en_head(en_reuters):
    assert en_reuters.title.startswith("U.S. reassures allies over Syria pullout")
    assert en_reuters.author == "Jane Doe"
    assert en_reuters.published == date(2019, 2, 6)
    assert en_reuters.language == "en"
    assert en_reuters.section == "World"
    assert en_reuters.warnings == []


def test_en_dateline_lead_is_body_not_standfirst(en_reuters):
    assert en_reuters.standfirst == ""
    assert en_reuters.paragraphs[0].startswith("WASHINGTON (Reuters) - ")


def test_en_captions(en_reuters):
    assert [c.credit for c in en_reuters.captions] == ["AFP", "REUTERS/Joshua Roberts"]
    assert en_reuters.captions[0].text.endswith("at the State Department")
    assert en_reuters.captions[1].text.endswith("February 6, 2019.")


def test_en_body(en_reuters):
    assert en_reuters.headings == ["Allies seek clarity", "Foreign fighters"]
    assert len(en_reuters.paragraphs) == 6
    assert en_reuters.paragraphs[-1].startswith("(Reporting by Jane Doe;")


def test_en_dropped(en_reuters):
    assert [(d.line, d.reason) for d in en_reuters.dropped] == [
        (1, "cookie notice"),
        (2, "cookie notice"),
        (6, "author line"),
        (7, "publication date line"),
        (9, "share buttons"),
        (10, "share buttons"),
        (11, "share buttons"),
        (19, "read-also link"),
        (29, "advertisement"),
        (37, "more-from footer"),
        (38, "related link after more-from footer"),
        (39, "related link after more-from footer"),
        (40, "copyright notice"),
    ]


# --------------------------------------------------------------------------
# Layout 3: Arabic, one paragraph per line, Hijri + Gregorian date line
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ar_per_line() -> ParsedArticle:
    return parse_plaintext(read(AR_PER_LINE))


def test_per_line_metadata(ar_per_line):
    assert ar_per_line.title == (
        "مبعوث أممي يدعو إلى حوار سوري شامل بعد تعثر تشكيل اللجنة الدستورية"
    )
    assert ar_per_line.published == date(2019, 2, 7)  # the Gregorian half; Hijri is skipped
    assert ar_per_line.author == "مراد الأيوبي"
    assert ar_per_line.section == "العالم العربي"
    assert ar_per_line.tags == ["سوريا", "الأمم المتحدة", "اللجنة الدستورية", "جنيف"]


def test_per_line_blocks(ar_per_line):
    lines = read(AR_PER_LINE).splitlines()
    # The first paragraph is the body's lead: the next one carries on from it ("وقال المبعوث"),
    # and nothing (no byline, picture or dateline) sets it apart as a standfirst.
    assert ar_per_line.standfirst == ""
    assert ar_per_line.headings == ["خلاف على القائمة الثالثة"]
    assert ar_per_line.paragraphs == [
        lines[5],
        lines[6],
        " ".join(lines[7:10]),  # three soft-wrapped lines
        lines[11],
        lines[12],
    ]


def test_per_line_dropped(ar_per_line):
    assert [(d.line, d.reason) for d in ar_per_line.dropped] == [
        (1, "breadcrumb"),
        (2, "publication date line"),
        (4, "author line"),
        (5, "share buttons"),
        (14, "tags"),
        (15, "more-from footer"),
    ]


# --------------------------------------------------------------------------
# Accounting and line endings
# --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_every_line_is_accounted_for(path, newline):
    text = read(path).replace("\n", newline)
    assert_every_line_accounted(text, parse_plaintext(text))


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_line_endings_do_not_change_the_result(path, newline):
    text = read(path)
    assert parse_plaintext(text.replace("\n", newline)) == parse_plaintext(text)


def test_invisible_marks_and_extra_blank_lines_are_ignored():
    text = "\ufeff\u200f" + TITLE + "  \n\n\n\n\u00a0\u00a0\n" + BODY_1 + "\n\n\n" + BODY_2 + "\n"
    parsed = parse_plaintext(text)
    assert parsed.title == TITLE
    assert parsed.standfirst == ""
    assert parsed.paragraphs == [BODY_1, BODY_2]


# --------------------------------------------------------------------------
# Not an article
# --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n \t\n", "\r\n\r\n", "\u00a0\n\u00a0"])
def test_empty_text_raises(text):
    with pytest.raises(ValueError, match="empty or only whitespace"):
        parse_plaintext(text)


def test_only_junk_raises():
    text = article(
        "Sorry, you need to enable JavaScript to visit this website.",
        "We use cookies to improve your experience. Accept cookies",
        "شارك",
        "© 2019 جميع الحقوق محفوظة",
    )
    with pytest.raises(ValueError, match="page furniture") as raised:
        parse_plaintext(text)
    assert isinstance(raised.value, NoArticleError)
    assert "cookie notice" in str(raised.value)


def test_only_byline_and_date_raises():
    with pytest.raises(ValueError, match="No title found"):
        parse_plaintext(article("By Jane Doe", "Published February 6, 2019"))


def test_title_only_raises():
    with pytest.raises(ValueError, match="no body text"):
        parse_plaintext(article("Sorry, you need to enable JavaScript.", TITLE, "شارك"))


def test_title_and_caption_only_raises():
    caption = "وزراء خارجية الدول الأعضاء في وزارة الخارجية الأميركية (أ ف ب)"
    with pytest.raises(ValueError, match="no body text"):
        parse_plaintext(article(TITLE, caption))


def test_very_long_single_line_has_no_title():
    text = " ".join([BODY_1] * 400)  # ~10,000 words, no newline at all
    with pytest.raises(ValueError, match=r"No title found.*line 1"):
        parse_plaintext(text)


def test_very_long_paragraph_is_kept_whole():
    long_paragraph = " ".join([BODY_1] * 400)
    parsed = parse_plaintext(article(TITLE, BODY_2, long_paragraph))
    assert parsed.paragraphs[-1] == long_paragraph


# --------------------------------------------------------------------------
# Dates and bylines
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "2019-02-06",
        "2019-02-06T10:45:00+03:00",
        "06/02/2019",
        "6.2.2019",
        "6 فبراير 2019",
        "الأربعاء 6 فبراير 2019",
        "الأربعاء، 6 فبراير (شباط) 2019",
        "6 شباط 2019",
        "6 فيفري 2019",
        "٦ فبراير ٢٠١٩",
        "٠٦/٠٢/٢٠١٩",
        "February 6, 2019",
        "Wednesday, February 6, 2019",
        "Feb. 6, 2019 10:45 AM GMT",
        "6 February 2019",
        "6th February 2019",
        "نشر في: 6 فبراير 2019",
        "نُشر في ٦ شباط ٢٠١٩ - ١٠:٤٥ ص",
        "تاريخ النشر: 2019-02-06",
        "Published: February 6, 2019",
        "Published on 6 February 2019 | 10:45 GMT",
        "By Jane Doe | February 6, 2019",
    ],
)
def test_date_line_near_top_sets_published(line):
    parsed = parse_plaintext(article(TITLE, line, BODY_1, BODY_2))
    assert parsed.published == date(2019, 2, 6)
    assert line not in parsed.body_text and parsed.standfirst != line
    assert parsed.dropped[0].line == 3
    assert parsed.warnings == []


def test_date_line_before_title():
    parsed = parse_plaintext(article("الأربعاء 6 فبراير 2019", TITLE, BODY_1, BODY_2))
    assert (parsed.title, parsed.published) == (TITLE, date(2019, 2, 6))


def test_unambiguous_month_first_date_is_read_month_first():
    parsed = parse_plaintext(article(TITLE, "02/26/2019", BODY_1, BODY_2))
    assert parsed.published == date(2019, 2, 26)


def test_impossible_date_is_not_a_date():
    parsed = parse_plaintext(article(TITLE, "31/02/2019", BODY_1, BODY_2))
    assert parsed.published is None
    assert "31/02/2019" in [parsed.standfirst, *parsed.paragraphs]


def test_update_date_is_not_the_publication_date():
    parsed = parse_plaintext(article(TITLE, "آخر تحديث: 7 فبراير 2019", BODY_1, BODY_2))
    assert parsed.published is None
    assert parsed.dropped[0].reason == "update date line"
    assert "2019-02-07" in parsed.warnings[0]


def test_published_and_updated_on_one_line():
    line = "Published February 6, 2019 | Updated February 7, 2019"
    parsed = parse_plaintext(article(TITLE, line, BODY_1, BODY_2))
    assert parsed.published == date(2019, 2, 6)
    assert parsed.dropped[0].reason == "publication date and update date line"


def test_unlabelled_date_far_from_the_top_is_body_text():
    blocks = [TITLE, BODY_1, BODY_2, BODY_3, BODY_1, BODY_2, BODY_3, "6 فبراير 2019", BODY_1]
    parsed = parse_plaintext(article(*blocks))
    assert parsed.published is None
    assert "6 فبراير 2019" in [block.text for block in parsed.blocks]


def test_labelled_date_at_the_bottom_is_used():
    parsed = parse_plaintext(article(TITLE, BODY_1, BODY_2, BODY_3, "Published: 2019-02-06"))
    assert parsed.published == date(2019, 2, 6)


def test_hijri_only_date_is_consumed_and_converted_with_a_warning():
    parsed = parse_plaintext(article(TITLE, "1 جمادى الآخرة 1440 هـ", BODY_1, BODY_2))
    assert parsed.published == date(2019, 2, 6)
    assert parsed.published_precision == "day"
    assert parsed.dropped[0].reason == "hijri date line"
    assert "Hijri" in parsed.warnings[0]


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("بقلم: سامر الحلبي", "سامر الحلبي"),
        ("بقلم سامر الحلبي", "سامر الحلبي"),
        ("كتب: مراد الأيوبي", "مراد الأيوبي"),
        ("كتبت - ليلى حسن", "ليلى حسن"),
        ("By Jane Doe", "Jane Doe"),
        ("By Jane Doe and John Smith", "Jane Doe and John Smith"),
        ("Written by Jane Doe", "Jane Doe"),
    ],
)
def test_author_line_near_top(line, author):
    parsed = parse_plaintext(article(TITLE, line, BODY_1, BODY_2))
    assert parsed.author == author
    assert parsed.dropped[0].reason == "author line"


@pytest.mark.parametrize(
    "line",
    ["By contrast, the ministers said little.", "by the ministers", "كتب الوزير رسالة إلى نظرائه."],
)
def test_sentences_that_start_like_bylines_are_not_bylines(line):
    parsed = parse_plaintext(article(TITLE, BODY_1, line, BODY_2))
    assert parsed.author == ""
    assert line in parsed.body_text


# --------------------------------------------------------------------------
# Captions and credits
# --------------------------------------------------------------------------

CAPTION_TEXT = "وزراء خارجية الدول الأعضاء في التحالف الدولي في وزارة الخارجية"


@pytest.mark.parametrize(
    ("ending", "credit"),
    [
        ("(أ.ف.ب.)", "أ.ف.ب."),
        ("(أ.ف.ب)", "أ.ف.ب"),
        ("(أ ف ب)", "أ ف ب"),
        ("(ا ف ب)", "ا ف ب"),
        ("(رويترز)", "رويترز"),
        ("(أ.ب)", "أ.ب"),
        ("(الأناضول)", "الأناضول"),
        ("(د.ب.أ)", "د.ب.أ"),
        ("(AFP)", "AFP"),
        ("(Reuters)", "Reuters"),
        ("(AP)", "AP"),
        ("(A.P.)", "A.P."),
        ("(Getty Images)", "Getty Images"),
        ("(AFP via Getty Images)", "AFP via Getty Images"),
        ("(EPA)", "EPA"),
        ("(EPA-EFE)", "EPA-EFE"),
        ("(Anadolu)", "Anadolu"),
        ("[AFP]", "AFP"),
        ("(رويترز/ محمد حامد)", "رويترز/ محمد حامد"),
        ("(Photo: John Moore)", "John Moore"),
        ("(photo: AFP)", "AFP"),
        ("(Photo by John Moore/Getty Images)", "John Moore/Getty Images"),
        ("(تصوير: محمد علي)", "محمد علي"),
        ("(الصورة: رويترز)", "رويترز"),
    ],
)
def test_caption_credit_variants(ending, credit):
    parsed = parse_plaintext(article(TITLE, BODY_1, f"{CAPTION_TEXT} {ending}", BODY_2))
    assert parsed.captions == [Caption(CAPTION_TEXT, credit)]
    assert parsed.paragraphs == [BODY_2]


@pytest.mark.parametrize(
    "line",
    [
        "قوات سوريا الديموقراطية (قسد)",
        "ما بعد أغسطس (آب)",
        "The Syrian Democratic Forces (SDF)",
    ],
)
def test_bracketed_ending_that_is_not_a_credit_is_not_a_caption(line):
    parsed = parse_plaintext(article(TITLE, BODY_1, line, BODY_2))
    assert parsed.captions == []
    assert line in [*parsed.headings, *parsed.paragraphs]


def test_caption_right_after_title_then_the_body():
    caption = f"{CAPTION_TEXT} (AFP)"
    parsed = parse_plaintext(article(TITLE, caption, BODY_1, BODY_2))
    assert parsed.captions == [Caption(CAPTION_TEXT, "AFP")]
    assert (parsed.standfirst, parsed.paragraphs) == ("", [BODY_1, BODY_2])


def test_wire_attribution_ending_the_article_is_not_a_caption():
    last = "وقال مسؤول إن الاجتماع سيعقد الأسبوع المقبل. (رويترز)"
    parsed = parse_plaintext(article(TITLE, BODY_1, BODY_2, last))
    assert parsed.captions == []
    assert parsed.paragraphs[-1] == last


CAPTION_ALONE = "جنود أتراك يعبرون الحدود قرب بلدة جرابلس شمال سوريا"


@pytest.mark.parametrize(
    ("credit_line", "credit"),
    [
        ("(رويترز)", "رويترز"),
        ("(أ ف ب)", "أ ف ب"),
        ("تصوير: محمد علي", "محمد علي"),
        ("الصورة: الأناضول", "الأناضول"),
        ("Photo: AFP", "AFP"),
        ("REUTERS/Khalil Ashawi", "REUTERS/Khalil Ashawi"),
        ("AFP via Getty Images", "AFP via Getty Images"),
    ],
)
def test_credit_on_the_line_below_a_caption_belongs_to_it(credit_line, credit):
    text = article(TITLE, BODY_1, f"{CAPTION_ALONE}\n{credit_line}", BODY_2, BODY_3)
    parsed = parse_plaintext(text)
    assert parsed.captions == [Caption(CAPTION_ALONE, credit)]
    assert parsed.headings == []
    assert CAPTION_ALONE not in parsed.body_text and credit_line not in parsed.body_text
    assert parsed.dropped == []
    assert_every_line_accounted(text, parsed)


def test_credit_below_a_caption_that_ends_with_a_full_stop():
    caption = "Turkish soldiers cross the border near Jarablus, northern Syria, February 6, 2019."
    text = article(TITLE, BODY_1, f"{caption}\nPhoto: AFP", BODY_2)
    assert parse_plaintext(text).captions == [Caption(caption, "AFP")]


def test_credit_after_a_blank_line_below_a_caption_belongs_to_it():
    parsed = parse_plaintext(article(TITLE, BODY_1, CAPTION_ALONE, "(أ ف ب)", BODY_2))
    assert parsed.captions == [Caption(CAPTION_ALONE, "أ ف ب")]


def test_agency_below_the_last_paragraph_is_the_wire_attribution_not_a_caption():
    last = "وقال مسؤول إن الاجتماع سيعقد الأسبوع المقبل."
    parsed = parse_plaintext(article(TITLE, BODY_1, BODY_2, f"{last}\n(رويترز)"))
    assert parsed.captions == []
    assert parsed.paragraphs[-1] == last
    assert [(d.text, d.reason) for d in parsed.dropped] == [("(رويترز)", "lone photo credit")]


def test_lone_credit_line_is_dropped():
    parsed = parse_plaintext(article(TITLE, BODY_1, "(أ ف ب)", BODY_2))
    assert [(d.text, d.reason) for d in parsed.dropped] == [("(أ ف ب)", "lone photo credit")]


# --------------------------------------------------------------------------
# Junk lines
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Please enable JavaScript in your browser to view this page.", "javascript notice"),
        ("يرجى تفعيل جافا سكريبت لعرض هذه الصفحة", "javascript notice"),
        ("نستخدم ملفات تعريف الارتباط (كوكيز) لتحسين تجربتك", "cookie notice"),
        ("We use cookies to improve your experience.", "cookie notice"),
        ("Accept cookies", "cookie notice"),
        ("شارك", "share buttons"),
        ("مشاركة عبر فيسبوك", "share buttons"),
        ("تويتر فيسبوك واتساب", "share buttons"),
        ("Share on Facebook", "share buttons"),
        ("Share this article", "share buttons"),
        ("Facebook | Twitter | WhatsApp | Email", "share buttons"),
        ("اقرأ أيضاً: الأمم المتحدة تحذر من كارثة إنسانية", "read-also link"),
        ("اقرأ ايضا المبعوث الأممي يزور دمشق", "read-also link"),
        ("إقرأ أيضاً", "read-also link"),
        ("Read more: Kurds fear Turkish offensive", "read-also link"),
        ("Related: Kurds fear Turkish offensive", "read-also link"),
        ("مواضيع ذات صلة", "read-also link"),
        ("Advertisement", "advertisement"),
        ("إعلان", "advertisement"),
        ("اشترك في النشرة البريدية ليصلك كل جديد", "newsletter prompt"),
        ("Sign up for our daily newsletter", "newsletter prompt"),
        ("Subscribe to our newsletter", "newsletter prompt"),
        ("© 2019 Independent Arabia", "copyright notice"),
        ("جميع الحقوق محفوظة © 2019", "copyright notice"),
        ("Copyright 2019 Reuters. All rights reserved.", "copyright notice"),
        ("https://www.independentarabia.com/node/1234", "lone url"),
        ("www.example.com/news/1", "lone url"),
        ("3 min read", "reading time"),
    ],
)
def test_junk_line_is_dropped_with_reason(line, reason):
    parsed = parse_plaintext(article(TITLE, BODY_1, line, BODY_2, BODY_3))
    assert [(d.line, d.text, d.reason) for d in parsed.dropped] == [(5, line, reason)]
    assert text_blocks(parsed) == [BODY_1, BODY_2, BODY_3]


@pytest.mark.parametrize(
    "line",
    [
        "شارك وزراء خارجية الدول الأعضاء في الاجتماع الذي عقد في واشنطن.",
        "المزيد من القتلى سقطوا في القصف الذي استهدف البلدة صباح اليوم.",
        "Related talks will be held in Brussels next month, officials said.",
        "اشترك ممثلون عن الأمم المتحدة في الاجتماع.",
    ],
)
def test_sentences_that_start_like_junk_are_kept(line):
    parsed = parse_plaintext(article(TITLE, BODY_1, line, BODY_2))
    assert parsed.dropped == []
    assert line in parsed.paragraphs


def test_read_also_label_alone_takes_the_next_headline_with_it():
    parsed = parse_plaintext(
        article(TITLE, BODY_1, "Read more:\nKurds fear Turkish offensive", BODY_2, BODY_3)
    )
    assert [(d.line, d.reason) for d in parsed.dropped] == [
        (5, "read-also link"),
        (6, "read-also link"),
    ]


def test_lone_url_above_the_title_is_the_page_url():
    url = "https://www.independentarabia.com/node/1234"
    parsed = parse_plaintext(article(url, TITLE, BODY_1, BODY_2))
    assert parsed.url == url
    assert parsed.dropped[0].reason == "lone url"


# --------------------------------------------------------------------------
# Footers, sections and tags
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("footer", "section"),
    [
        ("المزيد من دوليات", "دوليات"),
        ("المزيد في دوليات", "دوليات"),
        ("اقرأ المزيد من العالم العربي", "العالم العربي"),
        ("More from World", "World"),
        ("More in Middle East", "Middle East"),
    ],
)
def test_more_from_footer_sets_section(footer, section):
    parsed = parse_plaintext(article(TITLE, BODY_1, BODY_2, footer))
    assert parsed.section == section
    assert [(d.text, d.reason) for d in parsed.dropped] == [(footer, "more-from footer")]


def test_more_from_footer_in_the_middle_is_not_a_footer():
    parsed = parse_plaintext(article(TITLE, BODY_1, "المزيد من دوليات", BODY_2))
    assert parsed.section == ""
    assert parsed.headings == ["المزيد من دوليات"]


def test_breadcrumb_sets_section_and_footer_wins_on_conflict():
    text = article("Home > News > Middle East", TITLE, BODY_1, BODY_2, "More from World")
    parsed = parse_plaintext(text)
    assert parsed.section == "World"
    assert any("Section is ambiguous" in warning for warning in parsed.warnings)


def test_hashtag_line_gives_tags():
    parsed = parse_plaintext(article(TITLE, BODY_1, BODY_2, "#سوريا #داعش #التحالف_الدولي"))
    assert parsed.tags == ["سوريا", "داعش", "التحالف الدولي"]


# --------------------------------------------------------------------------
# Blocks: standfirst, headings, wrapping
# --------------------------------------------------------------------------


def test_long_first_paragraph_is_not_a_standfirst():
    long_lead = " ".join([BODY_1] * 4)
    parsed = parse_plaintext(article(TITLE, long_lead, BODY_2))
    assert parsed.standfirst == ""
    assert parsed.paragraphs == [long_lead, BODY_2]


def test_single_paragraph_is_body_not_standfirst():
    parsed = parse_plaintext(article(TITLE, BODY_1))
    assert (parsed.standfirst, parsed.paragraphs) == ("", [BODY_1])


def test_arabic_dateline_lead_is_not_a_standfirst():
    lead = "بيروت - أ ف ب: " + BODY_1
    parsed = parse_plaintext(article(TITLE, lead, BODY_2))
    assert parsed.standfirst == ""
    assert parsed.paragraphs[0] == lead


def test_short_line_at_the_end_is_a_paragraph_not_a_heading():
    parsed = parse_plaintext(article(TITLE, BODY_1, BODY_2, "سامر الحلبي"))
    assert parsed.headings == []
    assert parsed.paragraphs[-1] == "سامر الحلبي"


@pytest.mark.parametrize("line", ["Conclusion:", "وأخيراً،", "Why?!."])
def test_short_line_ending_in_punctuation_is_not_a_heading(line):
    parsed = parse_plaintext(article(TITLE, BODY_1, line, BODY_2))
    assert parsed.headings == []


def test_heading_without_blank_lines_around_it():
    text = f"{TITLE}\n{BODY_1}\nقرار ترمب يثير بلبلة بين الحلفاء\n{BODY_2}\n{BODY_3}\n"
    parsed = parse_plaintext(text)
    assert parsed.headings == ["قرار ترمب يثير بلبلة بين الحلفاء"]
    assert parsed.paragraphs == [BODY_1, BODY_2, BODY_3]


def test_title_is_never_joined_with_the_next_line():
    long_title = TITLE + " وبومبيو يقرّ بأن داعش ما زال يشكل تهديداً خطيراً"
    parsed = parse_plaintext(f"{long_title}\n{BODY_1}\n{BODY_2}\n")
    assert parsed.title == long_title
    assert parsed.paragraphs == [BODY_1, BODY_2]


# --------------------------------------------------------------------------
# Title and metadata odds and ends
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("kicker", "section"), [("دوليات", "دوليات"), ("World", "World")])
def test_section_label_above_the_title(kicker, section):
    parsed = parse_plaintext(article(kicker, TITLE, BODY_1, BODY_2))
    assert (parsed.title, parsed.section) == (TITLE, section)
    assert [(d.line, d.reason) for d in parsed.dropped] == [(1, "section label above title")]


def test_short_title_followed_by_a_sentence_stays_the_title():
    parsed = parse_plaintext(article("إدلب تحترق", BODY_1, BODY_2))
    assert (parsed.title, parsed.section, parsed.paragraphs) == ("إدلب تحترق", "", [BODY_1, BODY_2])


def test_headline_starting_with_kutub_is_not_a_byline():
    # "كتب" is also "books"; without a colon it never introduces an author.
    title = "كتب جديدة تروي سنوات الحرب في سوريا"
    parsed = parse_plaintext(article(title, BODY_1, BODY_2))
    assert (parsed.title, parsed.author) == (title, "")


def test_two_different_publication_dates_warn():
    parsed = parse_plaintext(
        article(TITLE, "6 فبراير 2019", "Published: 2019-02-09", BODY_1, BODY_2)
    )
    assert parsed.published == date(2019, 2, 6)
    assert "2019-02-09" in parsed.warnings[0]


def test_language_left_empty_for_other_latin_text():
    text = article(
        "Les alliés rassurés sur la Syrie",
        "Les ministres de la coalition se sont réunis mercredi à Washington pour discuter.",
        "Le secrétaire d'État a promis une défaite définitive de l'organisation.",
    )
    assert parse_plaintext(text).language == ""


# --------------------------------------------------------------------------
# "City: Name" bylines
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("بيروت: محمد علي", "محمد علي"),
        ("القاهرة: ليلى حسن", "ليلى حسن"),
        ("لندن: «الشرق الأوسط»", "«الشرق الأوسط»"),
        ("Beirut: John Smith", "John Smith"),
        ("BEIRUT: Ahmed al-Assad", "Ahmed al-Assad"),
        ("واشنطن: سامر الحلبي | 6 فبراير 2019", "سامر الحلبي"),
    ],
)
def test_city_and_name_line_is_a_byline_with_a_dateline(line, author):
    parsed = parse_plaintext(article(TITLE, line, BODY_1, BODY_2))
    assert parsed.author == author
    assert parsed.dropped[0].reason.startswith("dateline city and author")
    assert line not in [parsed.standfirst, *parsed.paragraphs, *parsed.headings]


@pytest.mark.parametrize(
    "line",
    [
        "عاجل: مقتل جنديين",
        "سوريا: مقتل 12 مدنياً",
        "دمشق: الجيش ينسحب",
        "Update: Troops withdraw",
        "Beirut: the army said",
        "واشنطن: ترامب يقرر الانسحاب من سوريا",
    ],
)
def test_other_colon_lines_are_not_bylines(line):
    parsed = parse_plaintext(article(TITLE, line, BODY_1, BODY_2))
    assert parsed.author == ""
    assert line in [parsed.standfirst, *parsed.paragraphs, *parsed.headings]


def test_a_place_and_colon_headline_stays_the_title():
    title = "غزة: إسرائيل تقصف مواقع"
    parsed = parse_plaintext(article(title, "بيروت: محمد علي", BODY_1, BODY_2))
    assert (parsed.title, parsed.author) == (title, "محمد علي")


# --------------------------------------------------------------------------
# Questions as sub-headings
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["ماذا بعد؟", "من يدفع ثمن الانسحاب الأميركي؟", "هل تنجح خطة أنقرة؟", "What happens next?"],
)
def test_short_question_between_paragraphs_is_a_sub_heading(question):
    parsed = parse_plaintext(article(TITLE, BODY_1, BODY_2, question, BODY_3))
    assert parsed.headings == [question]
    assert [b.kind for b in parsed.blocks][-2:] == ["heading", "paragraph"]


def test_question_sub_heading_in_a_one_paragraph_per_line_file():
    parsed = parse_plaintext(f"{TITLE}\n{BODY_1}\n{BODY_2}\nما مصير المقاتلين الأجانب؟\n{BODY_3}\n")
    assert parsed.headings == ["ما مصير المقاتلين الأجانب؟"]


@pytest.mark.parametrize(
    "blocks",
    [
        # Introduced by a colon: the question is quoted, the next paragraph answers it.
        [BODY_1, "وسأل أحد الصحافيين الوزير خلال المؤتمر:", "هل ستبقى القوات في العراق؟", BODY_2],
        # Quoted, or a line of dialogue.
        [BODY_1, "«هل ستبقى القوات في العراق؟»", BODY_2],
        [BODY_1, "- هل ستبقى القوات في العراق؟", BODY_2],
        # An interview's question and answer.
        [BODY_1, "س: هل ستبقى القوات في العراق؟", "ج: " + BODY_2],
        [BODY_1, "Q: Will the troops stay in Iraq?", "A: They will stay as long as needed."],
        [BODY_1, "هل ستبقى القوات في العراق؟", "فأجاب الوزير بأن القرار لم يتخذ بعد."],
        # A run of rhetorical questions.
        [BODY_1, "هل تنسحب القوات؟", "ومن يملأ الفراغ؟", "وماذا عن الأكراد؟", BODY_2],
        # Carrying on from the paragraph before.
        [BODY_1, "فهل تنجح الخطة؟", BODY_2],
        [BODY_1, "But will it last?", BODY_2],
        # More than a question, or at the very end.
        [BODY_1, "قال الوزير ذلك. فهل يصدقه أحد؟", BODY_2],
        [BODY_1, BODY_2, "ماذا بعد؟"],
    ],
    ids=[
        "introduced", "guillemets", "dialogue-dash", "interview-ar", "interview-en", "answered",
        "run", "fa-continuation", "but-continuation", "two-sentences", "last",
    ],
)  # fmt: skip
def test_questions_in_the_flow_of_the_text_stay_paragraphs(blocks):
    parsed = parse_plaintext(article(TITLE, *blocks))
    assert parsed.headings == []


# --------------------------------------------------------------------------
# Hard-wrapped text
# --------------------------------------------------------------------------


def unwrap(path: Path) -> list[str]:
    """The file's blank-line separated blocks with their lines joined: what a reader sees."""
    return [" ".join(block.split("\n")) for block in read(path).strip().split("\n\n")]


def test_hard_wrapped_english_text_is_read_as_paragraphs():
    blocks = unwrap(EN_WRAPPED)
    parsed = parse_plaintext(read(EN_WRAPPED))
    assert parsed.title == blocks[0]  # wrapped over two lines
    assert (parsed.author, parsed.published) == ("Jane Doe", date(2019, 10, 12))
    assert parsed.headings == ["HEAVY FIGHTING"]
    assert parsed.paragraphs == [blocks[2], blocks[3], blocks[5], blocks[6], blocks[7]]
    assert parsed.standfirst == ""  # the body opens with a wire dateline


def test_hard_wrapped_arabic_text_is_read_as_paragraphs():
    blocks = unwrap(AR_WRAPPED)
    parsed = parse_plaintext(read(AR_WRAPPED))
    assert parsed.title == blocks[0]
    assert parsed.author == "سامر الحلبي"
    assert parsed.headings == ["مخاوف من كارثة"]
    body = [text for text in [parsed.standfirst, *parsed.paragraphs] if text]
    assert body == [blocks[2], blocks[3], blocks[5], blocks[6]]


def test_hard_wrapped_paragraphs_without_blank_lines_between_them():
    wrapped = [line for body in (BODY_1, BODY_2, BODY_3) for line in textwrap.wrap(body, 60)]
    parsed = parse_plaintext(TITLE + "\n\n" + "\n".join(wrapped) + "\n")
    assert [text for text in [parsed.standfirst, *parsed.paragraphs] if text] == [
        BODY_1,
        BODY_2,
        BODY_3,
    ]
    assert parsed.headings == []


def test_short_lines_that_end_sentences_are_not_hard_wrapping():
    lines = [
        "قتل ثلاثة مدنيين في قصف على إدلب.",
        "وأصيب خمسة آخرون بجروح.",
        "ونقل الجرحى إلى مشفى قريب.",
        "ولم تعلق دمشق على القصف حتى الآن.",
        "ماذا بعد",
        "وقال ناشطون إن القصف استمر حتى المساء.",
    ]
    parsed = parse_plaintext(TITLE + "\n" + "\n".join(lines) + "\n")
    assert parsed.headings == ["ماذا بعد"]
    assert len([text for text in [parsed.standfirst, *parsed.paragraphs] if text]) == 5


# --------------------------------------------------------------------------
# The standfirst, on evidence
# --------------------------------------------------------------------------

STANDFIRST = "التحالف الدولي يبحث مرحلة ما بعد «داعش» وسط مخاوف الحلفاء من الانسحاب الأميركي."


@pytest.mark.parametrize(
    "between",
    [
        ["بقلم: سامر الحلبي"],
        ["بيروت: محمد علي", "نشر في: 6 فبراير 2019"],
        ["By Jane Doe", "Published February 6, 2019"],
        ["شارك", "تويتر فيسبوك واتساب"],
        [f"{CAPTION_TEXT} (أ ف ب)"],
        [CAPTION_ALONE, "(رويترز)"],
    ],
    ids=["byline", "city-byline-date", "en-byline-date", "share-bar", "caption", "caption-credit"],
)
def test_short_block_set_apart_from_the_body_is_the_standfirst(between):
    parsed = parse_plaintext(article(TITLE, STANDFIRST, *between, BODY_1, BODY_2))
    assert parsed.standfirst == STANDFIRST
    assert parsed.paragraphs == [BODY_1, BODY_2]


def test_short_block_before_a_dateline_lead_is_the_standfirst():
    lead = "بيروت - أ ف ب: " + BODY_1
    parsed = parse_plaintext(article(TITLE, STANDFIRST, lead, BODY_2))
    assert (parsed.standfirst, parsed.paragraphs) == (STANDFIRST, [lead, BODY_2])


def test_a_summary_of_a_later_paragraph_is_the_standfirst():
    later = "وقال دبلوماسيون إن التحالف الدولي يبحث مرحلة ما بعد «داعش» في ظل مخاوف الحلفاء من الانسحاب."
    parsed = parse_plaintext(article(TITLE, STANDFIRST, BODY_1, BODY_2, later))
    assert parsed.standfirst == STANDFIRST


def test_a_summary_without_a_full_stop_is_the_standfirst():
    summary = (
        "التحالف الدولي يبحث مرحلة ما بعد داعش في واشنطن وسط مخاوف الحلفاء من تداعيات الانسحاب"
    )
    parsed = parse_plaintext(article(TITLE, summary, BODY_1, BODY_2))
    assert parsed.standfirst == summary


@pytest.mark.parametrize(
    "blocks",
    [
        [BODY_1, BODY_2, BODY_3],
        [STANDFIRST, BODY_2, BODY_3],
        [BODY_1, "قرار ترمب يثير بلبلة بين الحلفاء", BODY_2],
    ],
    ids=["three-paragraphs", "short-then-continuation", "then-sub-heading"],
)
def test_an_ordinary_short_first_paragraph_stays_in_the_body(blocks):
    parsed = parse_plaintext(article(TITLE, *blocks))
    assert parsed.standfirst == ""
    assert parsed.paragraphs[0] == blocks[0]


# --------------------------------------------------------------------------
# A page laid out like a pan-Arab daily's
# --------------------------------------------------------------------------

AR_ASHARQ = DATA / "ar_asharq_style.txt"


def test_daily_page_standfirst_byline_caption_and_question_heading():
    lines = read(AR_ASHARQ).splitlines()
    parsed = parse_plaintext(read(AR_ASHARQ))
    assert parsed.title == lines[2]
    assert parsed.standfirst == lines[4]  # set apart by the byline under it
    assert (parsed.author, parsed.published) == ("سعيد عبد الرازق", date(2019, 2, 6))
    assert parsed.captions == [Caption(lines[12], "أ.ف.ب")]  # its credit on the next line
    assert parsed.headings == ["ماذا تريد أنقرة؟"]
    # The quoted question in the reporter's exchange stays in the flow of the text.
    assert parsed.paragraphs == [lines[15], lines[17], lines[21], lines[23], lines[24], lines[25],
                                 lines[27]]  # fmt: skip
    assert [(d.line, d.reason) for d in parsed.dropped] == [
        (1, "section label above title"),
        (2, "breadcrumb"),
        (7, "dateline city and author line"),
        (8, "publication date line"),
        (10, "share buttons"),
        (11, "share buttons"),
        (30, "tags"),
    ]


# --------------------------------------------------------------------------
# Relative publication dates
# --------------------------------------------------------------------------

AR_WARC = DATA / "ar_warc_headers_relative_date.txt"


def test_relative_date_read_against_the_capture_date_in_warc_and_http_headers():
    parsed = parse_plaintext(read(AR_WARC))
    # "منذ ساعتين" at 10:45 UTC on 6 February 2019: that morning.
    assert (parsed.published, parsed.published_precision) == (date(2019, 2, 6), "day")
    assert parsed.title.startswith("مقتل خمسة مدنيين")
    assert parsed.url == "https://www.example-news.com/syria/idlib-shelling-2131"
    assert [d.reason for d in parsed.dropped[:10]] == ["WARC header"] * 6 + ["HTTP header"] * 4
    assert parsed.warnings == [
        "Publication date read from 'منذ ساعتين' against the capture date in the file's "
        "HTTP/WARC header (2019-02-06 10:45): 2019-02-06."
    ]


@pytest.mark.parametrize(
    ("line", "expected", "precision"),
    [
        ("نشر: أمس", date(2019, 2, 5), "day"),
        ("أمس 10:45", date(2019, 2, 5), "day"),
        ("اليوم - 10:45 ص", date(2019, 2, 6), "day"),
        ("نُشر منذ 3 أيام", date(2019, 2, 3), "day"),
        ("Published yesterday", date(2019, 2, 5), "day"),
        ("3 days ago", date(2019, 2, 3), "day"),
        ("الأحد الماضي", date(2019, 2, 3), "day"),
        ("نشر في: الشهر الماضي", date(2019, 1, 1), "month"),
        ("last month", date(2019, 1, 1), "month"),
        ("منذ أسبوع", date(2019, 1, 1), "month"),  # 23-30 January
        # Hours against a day without its time: 5 or 6 February, so only the month is known.
        ("منذ ساعتين", date(2019, 2, 1), "month"),
        ("العام الماضي", date(2018, 1, 1), "year"),
    ],
)
def test_relative_date_read_against_the_date_in_the_file_name(line, expected, precision):
    parsed = parse_plaintext(article(TITLE, line, BODY_1, BODY_2), name="2019-02-06_idlib.txt")
    assert (parsed.published, parsed.published_precision) == (expected, precision)
    assert "against the date in the file name (2019-02-06)" in parsed.warnings[0]
    assert parsed.dropped[0].reason == "publication date line"
    if precision != "day":
        assert parsed.warnings[1] == f"Only the {precision} of publication is known."


@pytest.mark.parametrize(
    "name",
    ["2019-02-06.txt", "idlib_20190206.txt", "crawl/2019/02/06/idlib.txt", "06-02-2019 idlib.txt"],
)
def test_dates_in_file_names(name):
    parsed = parse_plaintext(article(TITLE, "أمس", BODY_1, BODY_2), name=name)
    assert parsed.published == date(2019, 2, 5)


def test_relative_date_read_against_a_dated_dateline():
    lead = "بيروت، 6 فبراير 2019 (أ ف ب) - " + BODY_1
    parsed = parse_plaintext(article(TITLE, "نشر: أمس", lead, BODY_2))
    assert (parsed.published, parsed.published_precision) == (date(2019, 2, 5), "day")
    assert "against the date in the article's dateline (2019-02-06)" in parsed.warnings[0]


def test_the_capture_date_wins_over_the_dateline_and_the_file_name():
    headers = "HTTP/1.1 200 OK\nDate: Sat, 09 Feb 2019 08:00:00 GMT\n\n"
    lead = "بيروت، 6 فبراير 2019 (أ ف ب) - " + BODY_1
    text = headers + article(TITLE, "منذ 3 أيام", lead, BODY_2)
    parsed = parse_plaintext(text, name="2019-01-01.txt")
    assert parsed.published == date(2019, 2, 6)


@pytest.mark.parametrize("line", ["أمس", "نشر: منذ ساعتين", "Published yesterday", "2 hours ago"])
def test_relative_date_without_a_reference_stays_unknown_and_is_flagged(line):
    parsed = parse_plaintext(article(TITLE, line, BODY_1, BODY_2), name="000_78a0c063ebd393f5.txt")
    assert (parsed.published, parsed.published_precision) == (None, "")
    assert parsed.dropped[0].reason == "publication date line"
    assert "only given relative to the day the page was read" in parsed.warnings[0]
    assert "published is left empty" in parsed.warnings[0]


def test_a_dateline_without_a_year_is_no_reference():
    lead = "WASHINGTON, Feb 6 (Reuters) - " + "Officials said the talks would go on."
    parsed = parse_plaintext(article("Talks go on", "Published yesterday", lead, "More text here."))
    assert parsed.published is None


def test_an_explicit_date_wins_over_a_relative_one():
    text = article(TITLE, "نشر في: 4 فبراير 2019 | آخر تحديث: منذ ساعتين", BODY_1, BODY_2)
    parsed = parse_plaintext(text, name="2019-02-06.txt")
    assert (parsed.published, parsed.published_precision) == (date(2019, 2, 4), "day")


@pytest.mark.parametrize("line", ["اليوم", "Today", "هذا الأسبوع"])
def test_now_words_alone_are_not_a_date_line(line):
    parsed = parse_plaintext(article(TITLE, BODY_1, line, BODY_2, BODY_3))
    assert parsed.dropped == []


def test_a_date_label_line_at_the_top_is_not_an_http_header():
    parsed = parse_plaintext(article("Date: 6 February 2019", TITLE, BODY_1, BODY_2))
    assert (parsed.title, parsed.published) == (TITLE, date(2019, 2, 6))


def test_http_headers_end_at_the_blank_line_after_them():
    text = "HTTP/1.1 200 OK\nDate: Wed, 06 Feb 2019 10:45:12 GMT\n\n" + article(
        TITLE, "Beirut: John Smith", "Published: yesterday", BODY_1, BODY_2
    )
    parsed = parse_plaintext(text)
    assert (parsed.author, parsed.published) == ("John Smith", date(2019, 2, 5))
    assert [d.reason for d in parsed.dropped] == [
        "HTTP header",
        "HTTP header",
        "dateline city and author line",
        "publication date line",
    ]
