"""Error pages (400, 403, 404, 500) as a reader sees them with DEBUG off: in the interface
language and direction, with a way back to search, and nothing the Content-Security-Policy
refuses (no inline script or style)."""

import re

import pytest
from django.test import Client

ARABIC = '<html lang="ar" dir="rtl">'
ENGLISH = '<html lang="en" dir="ltr">'


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def english_client():
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    return client


def assert_static_safe(response):
    html = response.content.decode()
    assert "Content-Security-Policy" in response.headers
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert "<style" not in html and " style=" not in html, "inline style"
    return html


def assert_way_back(html):
    assert re.search(r'<form class="error-page__search" role="search" action="/search/"', html)
    assert 'name="q"' in html
    assert '<a class="error-page__home" href="/">' in html


def test_unknown_address_in_arabic(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    html = assert_static_safe(response)
    assert ARABIC in html
    assert "<h1>الصفحة غير موجودة</h1>" in html
    assert "Not Found" not in html and "Page not found" not in html
    assert_way_back(html)


def test_unknown_address_in_english_by_cookie_and_by_accept_language(db):
    for response in (
        english_client().get("/no-such-page/"),
        Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"),
    ):
        assert response.status_code == 404
        html = assert_static_safe(response)
        assert ENGLISH in html
        assert "<h1>Page not found</h1>" in html
        assert "Back to the archive" in html
        assert_way_back(html)


def test_unknown_article_id(db):
    response = Client().get("/articles/999999/")
    assert response.status_code == 404
    html = assert_static_safe(response)
    assert ARABIC in html and "<h1>الصفحة غير موجودة</h1>" in html
    english = english_client().get("/articles/999999/").content.decode()
    assert ENGLISH in english and "<h1>Page not found</h1>" in english


def test_unknown_admin_address_is_the_same_page(admin_client):
    response = admin_client.get("/admin/no-such-thing/")
    assert response.status_code == 404
    assert "<h1>الصفحة غير موجودة</h1>" in response.content.decode()


@pytest.mark.urls("tests.error_urls")
def test_a_failing_view_gets_the_500_page_in_the_readers_language(db):
    response = Client(raise_request_exception=False).get("/test-only/broken/")
    assert response.status_code == 500
    html = assert_static_safe(response)
    assert ARABIC in html
    assert "<h1>خطأ في الخادم</h1>" in html
    assert "RuntimeError" not in html and "Traceback" not in html
    assert '<link rel="stylesheet" href="/static/css/arshif.css">' in html
    assert_way_back(html)

    english = english_client().get("/test-only/broken/")
    assert english.status_code == 500
    html = assert_static_safe(english)
    assert ENGLISH in html and "<h1>Server error</h1>" in html
    assert_way_back(html)


def test_the_500_page_renders_without_request_database_or_static_manifest(settings, tmp_path):
    """What Django does when a view fails: the template with an empty context, no request.
    Here with the production storage and no collectstatic run: no manifest to read (an empty
    static root, whatever other tests collected into the shared one)."""
    from django.template import loader
    from django.utils import translation

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    for language, html_tag, heading in (
        ("ar", ARABIC, "<h1>خطأ في الخادم</h1>"),
        ("en", ENGLISH, "<h1>Server error</h1>"),
    ):
        with translation.override(language):
            html = loader.get_template("500.html").render()
        assert html_tag in html and heading in html
        assert '<link rel="stylesheet"' not in html  # no stylesheet rather than no page
        assert_way_back(html)


@pytest.mark.urls("tests.error_urls")
def test_a_refused_view_gets_the_403_page(db):
    response = Client().get("/test-only/forbidden/")
    assert response.status_code == 403
    html = assert_static_safe(response)
    assert ARABIC in html and "<h1>الوصول مرفوض</h1>" in html
    assert_way_back(html)
    html = english_client().get("/test-only/forbidden/").content.decode()
    assert ENGLISH in html and "<h1>Access refused</h1>" in html


def test_a_request_for_another_host_gets_the_400_page(db):
    response = Client().get("/", HTTP_HOST="elsewhere.example")
    assert response.status_code == 400
    html = assert_static_safe(response)
    assert ARABIC in html and "<h1>رُفض الطلب</h1>" in html
    assert "تعذّر فهم الطلب" in html
    assert_way_back(html)
    response = english_client().get("/", HTTP_HOST="elsewhere.example")
    html = response.content.decode()
    assert ENGLISH in html and "The request could not be understood; nothing was saved." in html
