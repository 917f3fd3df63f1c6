"""Hostile strings in every user-controlled field never become markup, script or links, and
bidi controls cannot reorder the page around them.

Two ways in: an import (the admin upload of JSON and HTML, whose text is reduced to plain text
before it is stored) and text saved as typed (an admin edit: markup stays text, which every
page must escape). Bidi controls are dropped wherever text is saved (imports, model saves, the
upload form) and from the query; what remains of bidi ordering is each string's own, kept
inside its <bdi> or dir="auto" element. Every page that shows the strings is checked: search
results (titles, snippets, facets), the article page, the entity page, the feed, the JSON API
and the admin (changelist, upload preview, import report)."""

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from archive.models import Article, ImportBatch, Source, Tag
from search.models import Entity

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_LINK = "javascript:alert(1)"
BIDI = "\u202e\u2066\u2067\u2068\u2069"  # RLO and the isolates, none closed in order
HOSTILE = f"{SCRIPT} {IMG} {JS_LINK} {BIDI}"
CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
WORD = "قافلة"  # every hostile field also holds a searchable word


class Page(HTMLParser):
    """What a browser would run or reorder: script elements, handlers, javascript: URLs, and
    bidi controls outside an isolating element (or anywhere an element cannot isolate)."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}
    VOID = {"meta", "link", "input", "img", "br", "hr", "source", "area", "col", "wbr", "base"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, isolates)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes:
            self.problems.append("inline <script>")
        if tag == "img" and attributes.get("src") == "x":
            self.problems.append("injected <img>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"handler {name}= on <{tag}>")
            if name in self.URL_ATTRIBUTES and value.strip().lower().startswith(
                ("javascript:", "data:")
            ):
                self.problems.append(f"{name}={value!r} on <{tag}>")
            # An input's value is laid out in its own box; any other attribute cannot isolate.
            if CONTROLS & set(value) and not (tag == "input" and name == "value"):
                self.problems.append(f"bidi control in {name}= of <{tag}>")
        if tag not in self.VOID:
            isolates = tag == "bdi" or (tag not in {"html", "title"} and "dir" in attributes)
            self.stack.append((tag, isolates))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not CONTROLS & set(data):
            return
        tags = [tag for tag, _ in self.stack]
        if "title" in tags:
            self.problems.append("bidi control in <title>")
        elif not any(isolates for _, isolates in self.stack):
            self.problems.append(f"bidi control outside an isolating element: {'>'.join(tags)}")


def problems(html: str) -> list[str]:
    page = Page()
    page.feed(html)
    return page.problems


def get(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, url
    return response


def assert_inert(client, url, *, shows=None):
    html = get(client, url).content.decode()
    assert problems(html) == [], url
    for text in shows or []:
        assert text in html, (url, text)
    return html


# --- Stored as typed (an admin edit): escaped and isolated on every page -------------------------


@pytest.fixture
def stored(make_article, indexed):
    article = make_article(
        f"{WORD} {HOSTILE}",
        [f"{WORD} في حلب {HOSTILE}", f'<a href="{JS_LINK}">{WORD}</a>'],
        source=f"{WORD} {HOSTILE}",
        section=f"{HOSTILE} {WORD}",
        tags=[f"{HOSTILE}"],
        author=HOSTILE,
        standfirst=f"{WORD} {HOSTILE}",
        captions=[{"text": f"{HOSTILE}", "credit": HOSTILE}],
        url="https://example.org/a",
    )
    entity = Entity.objects.filter(mentions__article=article).first()
    entity.name_en = entity.name_ar = f"{WORD} {HOSTILE}"
    entity.aliases = HOSTILE
    entity.save()
    indexed()
    return article, entity


def test_saving_drops_bidi_controls_and_keeps_the_markup_as_text(stored):
    article, entity = stored
    article.refresh_from_db()
    entity.refresh_from_db()
    saved = [article.title, article.body, article.author, article.section, article.captions]
    saved += [article.source.name, *article.tags.values_list("name", flat=True), entity.name_en]
    text = json.dumps(saved, ensure_ascii=False)
    assert not CONTROLS & set(text)
    assert article.title == f"{WORD} {SCRIPT} {IMG} {JS_LINK} "


ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_search_results_titles_snippets_and_facets_escape(client, stored):
    html = assert_inert(client, "/search/?q=" + quote(WORD), shows=[ESCAPED])
    assert 'class="result__snippet"' in html and "<mark>" in html
    # Facet labels (source, section, tag) are escaped as well.
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") >= 4
    assert_inert(client, "/search/?q=" + quote(HOSTILE), shows=[ESCAPED])
    assert_inert(client, "/", shows=[ESCAPED])


def test_the_article_page_escapes_every_field(client, stored):
    article, _ = stored
    html = assert_inert(client, f"/articles/{article.pk}/", shows=[ESCAPED])
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") >= 6  # title, body, caption, …
    assert f'href="{JS_LINK}"' not in html


def test_a_stored_javascript_url_is_never_a_link(client, stored):
    article, _ = stored
    Article.objects.filter(pk=article.pk).update(url=JS_LINK)
    html = assert_inert(client, f"/articles/{article.pk}/")
    assert "original-link" not in html


def test_the_entity_page_escapes_its_names(client, stored):
    _, entity = stored
    assert_inert(client, f"/entities/{entity.kind}/{entity.key}/", shows=[ESCAPED])


def test_the_feed_is_xml_with_the_strings_as_text(client, stored):
    body = get(client, "/search/feed.atom?q=" + quote(WORD)).content
    root = ET.fromstring(body)  # well-formed: nothing broke out of its element
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [entry.findtext(f"{atom}title") for entry in root.iter(f"{atom}entry")]
    assert any(SCRIPT in title for title in titles)
    assert not list(root.iter("script")) and not list(
        root.iter("{http://www.w3.org/1999/xhtml}script")
    )


def test_the_api_returns_the_strings_as_json_data(client, stored):
    article, _ = stored
    response = get(client, "/api/search?q=" + quote(WORD))
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    result = response.json()["results"][0]
    assert SCRIPT in result["title"]
    # The snippet is the one field holding markup (<mark>): the rest of it is escaped.
    assert "<script>" not in result["snippet"] and "&lt;script&gt;" in result["snippet"]
    labels = [item["label"] for group in response.json()["facets"].values() for item in group]
    assert any(SCRIPT in label for label in labels)
    data = get(client, f"/api/articles/{article.pk}").json()
    assert SCRIPT in data["title"] and SCRIPT in data["body"]


def test_the_admin_escapes_them(admin_client, stored):
    article, _ = stored
    assert_inert(admin_client, "/admin/archive/article/", shows=[ESCAPED])
    assert_inert(admin_client, f"/admin/archive/article/{article.pk}/change/", shows=[ESCAPED])
    assert_inert(admin_client, "/admin/archive/source/")
    assert_inert(admin_client, "/admin/archive/tag/")


# --- Through an import: markup reduced to text, bidi controls gone -----------------------------

HOSTILE_PAGE = f"""<!doctype html><html><head><title>{WORD} {BIDI}عنوان</title>
<script>alert(1)</script></head><body><article><h1>{WORD} {BIDI}في حلب</h1>
<p>{WORD} وصلت القافلة إلى حلب بعد أسابيع من الحصار {BIDI} وقال مسؤولون إن الاحتياجات كبيرة.
<img src=x onerror=alert(1)><a href="{JS_LINK}">رابط</a><script>alert(2)</script></p>
<p onclick="alert(3)">وتحدث سكان المدينة عن نقص الوقود والدواء، فيما دعت منظمات إغاثة إلى ممر آمن
قبل حلول الشتاء وانقطاع الطرق بالكامل عن الأحياء الشرقية.</p>
<figure><img src=x onerror=alert(1)><figcaption>{SCRIPT}صورة {BIDI}(أ.ف.ب.)</figcaption></figure>
</article></body></html>"""


def upload(admin_client, files):
    data = {
        "files": [SimpleUploadedFile(name, body) for name, body in files],
        "source": f"{WORD} {HOSTILE}",
        "section": "",
        "language": "",
    }
    response = admin_client.post("/admin/archive/article/upload/", data)
    assert response.status_code == 302
    return response["Location"]


FILE_NAME = f"{IMG}{BIDI}txt.json"


def test_an_import_stores_no_markup_and_no_bidi_control(admin_client, indexed):
    record = {
        "title": f"{WORD} {HOSTILE}",
        "body": f"<p>{WORD} {HOSTILE}</p><p><a href='{JS_LINK}'>رابط</a></p>",
        "source": f"{HOSTILE} مصدر",
        "section": f"{HOSTILE} قسم",
        "author": HOSTILE,
        "tags": [f"{HOSTILE} وسم"],
        "url": "https://example.org/b",
    }
    preview = upload(
        admin_client,
        [(FILE_NAME, json.dumps(record).encode()), ("page.html", HOSTILE_PAGE.encode())],
    )
    # The upload preview and, after confirming, the import report name the file, escaped.
    html = assert_inert(admin_client, preview, shows=["&lt;img src=x onerror=alert(1)&gt;"])
    assert "imported 2" in html
    report = admin_client.post(preview, {"confirm": "1"})["Location"]
    assert_inert(admin_client, report, shows=["&lt;img src=x onerror=alert(1)&gt;"])
    batch = ImportBatch.objects.get()
    assert_inert(admin_client, f"/admin/archive/importoutcome/?batch__id__exact={batch.pk}")
    indexed()

    stored = [
        *Article.objects.values_list(
            "title", "standfirst", "body", "author", "section", "captions"
        ),
        *Source.objects.values_list("name"),
        *Tag.objects.values_list("name"),
    ]
    text = json.dumps(stored, ensure_ascii=False)
    assert not CONTROLS & set(text)
    assert "<script" not in text and "<img" not in text and "href" not in text
    assert Article.objects.count() == 2
    for article in Article.objects.all():
        assert_inert(admin_client, f"/articles/{article.pk}/")
    html = assert_inert(admin_client, "/search/?q=" + quote(WORD))
    assert html.count('class="result"') == 2


def test_the_query_is_echoed_escaped_and_without_bidi_controls(client, stored):
    html = assert_inert(client, "/search/?q=" + quote(f"{WORD} {HOSTILE}"))
    title = html.split("<title>")[1].split("</title>")[0]
    assert "&lt;script&gt;" in title and not CONTROLS & set(title)
    # An invalid form (dates the wrong way round, 400) still shows the query: filtered there too.
    response = client.get("/search/?to=2019-01-01&from=2020-01-01&q=" + quote(HOSTILE))
    assert response.status_code == 400
    html = response.content.decode()
    assert problems(html) == [] and "&lt;script&gt;" in html
