"""The reader's pages and the article API, as a browser or script receives them."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from archive.models import Article
from tests.conftest import SEED


@pytest.fixture
def seed_article(db):
    call_command("import_articles", str(SEED), stdout=StringIO(), stderr=StringIO())
    return Article.objects.get()


def h1s(html: str) -> list[str]:
    return re.findall(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)


def test_article_page_shows_the_seed_structure(client, seed_article):
    response = client.get(f"/articles/{seed_article.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<html lang="ar" dir="rtl">', html)
    assert h1s(html) == [seed_article.title]
    assert seed_article.title.startswith("واشنطن تطمئن الحلفاء")
    assert '<article class="article" lang="ar" dir="rtl">' in html
    assert "التحالف المكوّن من 79 عضواً" in html  # standfirst, diacritics as written
    assert re.search(r"<figcaption>وزراء خارجية الدول الاعضاء.*?\(أ\.ف\.ب\.\)", html, re.S)
    assert re.findall(r"<h2>(.*?)</h2>", html) == [
        "قرار ترمب يثير بلبلة بين الحلفاء قبل الخصوم",
        "&quot;الهزيمة الإقليمية&quot;",
        "منع عودة &quot;داعش&quot;",
        "تاريخ إنشاء التحالف",
    ]
    body = html.split('class="article__body"')[1].split("</div>")[0]
    assert body.count("<p>") == 12
    assert "دوليات" in html
    assert "تاريخ غير معروف" in html or "date unknown" in html
    assert "enable JavaScript" not in html
    assert "المزيد من دوليات" not in html


def test_article_page_accepts_a_slug_and_404s_unknown_ids(client, seed_article):
    assert client.get(f"/articles/{seed_article.pk}/any-slug/").status_code == 200
    assert client.get("/articles/999999/").status_code == 404


def test_article_page_links_the_original_when_known(client, make_article):
    article = make_article(
        "Coalition meets", "Ministers met.", language="en", url="https://example.org/a"
    )
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert 'href="https://example.org/a"' in html
    assert '<article class="article" lang="en" dir="ltr">' in html


def test_article_api_returns_the_contract_fields(client, seed_article):
    data = client.get(f"/api/articles/{seed_article.pk}").json()
    assert data["id"] == seed_article.pk
    assert data["url"] == f"/articles/{seed_article.pk}/"
    assert data["title"] == seed_article.title
    assert data["section"] == "دوليات"
    assert data["language"] == "ar"
    assert data["published"] is None
    assert data["source_url"] is None
    assert data["source"] is None
    assert data["standfirst"].startswith("التحالف المكوّن")
    assert data["body"].count("\n\n") == 12 + 4 - 1
    assert data["tags"] == []
    assert {"kind": "place", "value": "raqqa", "label": "الرقة"} in data["entities"]
    assert data["created"] and data["updated"]
    assert set(data) >= {"snippet", "author"}


def test_article_api_404_is_json(client, db):
    response = client.get("/api/articles/424242")
    assert response.status_code == 404
    assert response.json() == {"error": "no article with id 424242"}


def test_home_lists_latest_articles_with_a_search_box_and_facets(client, make_article, indexed):
    make_article("الأقدم", published=__import__("datetime").date(2015, 1, 1), source="مصدر أ")
    make_article("الأحدث", published=__import__("datetime").date(2020, 1, 1), source="مصدر ب")
    indexed()  # facet counts come from the index, as the worker leaves it
    html = client.get("/").content.decode()
    assert len(h1s(html)) == 1
    assert 'name="q"' in html and 'action="/search/"' in html
    assert html.index("الأحدث") < html.index("الأقدم")
    assert "مصدر أ" in html and "مصدر ب" in html
    assert "?year=2015" in html


def test_every_page_has_exactly_one_h1(client, seed_article):
    for path in ["/", f"/articles/{seed_article.pk}/", "/search/", "/search/?q=داعش"]:
        html = client.get(path).content.decode()
        assert len(h1s(html)) == 1, path


def test_english_interface_flips_direction(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html


def test_favicon_is_served_not_a_404(client, db):
    # The file itself is served by WhiteNoise under gunicorn (tests/test_gunicorn.py).
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"
    icon = Path(finders.find("favicon.ico")).read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert icon[22:30] == b"\x89PNG\r\n\x1a\n"  # holding a PNG image
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.ico" sizes="32x32">' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
