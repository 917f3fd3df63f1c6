"""The admin as an editor sees it: lists, search, filters and the parsed structure."""

from io import StringIO

import pytest
from django.core.management import call_command

from archive.models import Article
from tests.conftest import SEED


@pytest.fixture
def seed_article(db):
    call_command("import_articles", str(SEED), stdout=StringIO(), stderr=StringIO())
    return Article.objects.get()


def test_article_list_searches_and_filters(admin_client, seed_article):
    html = admin_client.get("/admin/archive/article/", {"q": "بومبيو"}).content.decode()
    assert seed_article.title in html
    html = admin_client.get("/admin/archive/article/", {"q": "غير موجود"}).content.decode()
    assert seed_article.title not in html
    html = admin_client.get(
        "/admin/archive/article/", {"needs_review__exact": "1"}
    ).content.decode()
    assert seed_article.title in html


def test_article_change_page_shows_structure_dropped_lines_and_original(admin_client, seed_article):
    html = admin_client.get(f"/admin/archive/article/{seed_article.pk}/change/").content.decode()
    assert "<h3" in html and "تاريخ إنشاء التحالف" in html  # a sub-heading
    assert "أ.ف.ب." in html  # the caption credit
    assert "Sorry, you need to enable JavaScript to visit this website." in html
    assert "javascript notice" in html
    assert "المزيد من دوليات" in html
    assert "000_78a0c063ebd393f5.txt" in html
    assert "No publication date found" in html  # the review reason


def test_original_file_page_previews_the_untouched_text(admin_client, seed_article):
    html = admin_client.get(
        f"/admin/archive/original/{seed_article.original_id}/change/"
    ).content.decode()
    assert "Sorry, you need to enable JavaScript" in html
    assert "واشنطن تطمئن الحلفاء" in html


def test_editing_an_article_in_the_admin_reaches_search(admin_client, seed_article, client):
    from search.indexing import process_pending

    process_pending()
    data = {
        "title": "عنوان جديد عن الباغوز",
        "standfirst": seed_article.standfirst,
        "section": seed_article.section,
        "language": "ar",
        "published": "2019-02-06",
        "author": "",
        "url": "",
        "needs_review": "",
        "review_reason": "",
        "blocks": '[{"kind": "paragraph", "text": "نص جديد عن الباغوز"}]',
        "captions": "[]",
        "original_record": "",
    }
    response = admin_client.post(f"/admin/archive/article/{seed_article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    process_pending()
    found = client.get("/api/search", {"q": "الباغوز"}).json()
    assert [r["title"] for r in found["results"]] == ["عنوان جديد عن الباغوز"]
    assert client.get("/api/search", {"q": "بومبيو"}).json()["count"] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/admin/archive/source/",
        "/admin/archive/tag/",
        "/admin/archive/original/",
        "/admin/search/indextask/",
    ],
)
def test_other_admin_lists_load(admin_client, seed_article, path):
    assert admin_client.get(path).status_code == 200


def test_the_admin_is_branded_arshif_in_both_languages(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "<title>محتوى الأرشيف وعمليات الاستيراد | إدارة أرشيف</title>" in html
    assert '<a href="/admin/">إدارة أرشيف</a>' in html  # the header
    assert "جانغو" not in html and "Django" not in html
    assert '<a href="/">عرض الموقع</a>' in html  # back to the public site

    admin_client.cookies["django_language"] = "en"
    html = admin_client.get("/admin/").content.decode()
    assert "<title>The archive&#x27;s content and imports | Arshif administration</title>" in html
    assert '<a href="/admin/">Arshif administration</a>' in html
    assert "Django administration" not in html
    assert '<a href="/">View site</a>' in html


def test_the_admin_login_page_is_branded_too(client, db):
    html = client.get("/admin/login/").content.decode()
    assert "إدارة أرشيف" in html and "جانغو" not in html
