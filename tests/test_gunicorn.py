"""The archive served by a real gunicorn, as `make run` serves it."""

import json
import urllib.parse
import urllib.request
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from archive.models import Article
from tests.conftest import SEED
from tests.processes import serve_gunicorn


@pytest.fixture
def gunicorn(transactional_db):
    call_command("import_articles", str(SEED), stdout=StringIO(), stderr=StringIO())
    article_id = Article.objects.get().pk
    connection.close()
    with serve_gunicorn() as base:
        yield base, article_id


def fetch(url: str) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


@pytest.mark.slow
def test_gunicorn_serves_pages_api_and_static_files(gunicorn):
    base, article_id = gunicorn
    status, _, body = fetch(f"{base}/articles/{article_id}/")
    html = body.decode()
    assert status == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert "واشنطن تطمئن الحلفاء" in html

    status, _, body = fetch(base + "/api/search?q=" + urllib.parse.quote("المكون"))
    data = json.loads(body)
    assert data["count"] == 1
    assert "<mark>المكوّن</mark>" in data["results"][0]["snippet"]

    stylesheet = html.split('rel="stylesheet" href="')[1].split('"')[0]
    status, headers, css = fetch(base + stylesheet)
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert b"margin-inline" in css

    # /favicon.ico, asked for by feed readers and crawlers whatever the page links, is served.
    status, headers, icon = fetch(base + "/favicon.ico")
    assert status == 200
    assert icon[:4] == b"\x00\x00\x01\x00"
