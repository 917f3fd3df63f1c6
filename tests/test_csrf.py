"""Every form that changes something is a POST that refuses a request without the CSRF token;
the search forms are GETs that change nothing."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from archive import jobs
from archive.ingest.service import Defaults
from archive.models import Article, ImportBatch
from tests.conftest import SEED

ROOT = Path(__file__).resolve().parent.parent
REFUSED = "csrf-refused"  # our 403_csrf.html, whichever the language


@pytest.fixture
def editor(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    return client


def refused(response):
    return response.status_code == 403 and REFUSED in response.content.decode()


def test_the_language_switch_needs_the_token(db):
    client = Client(enforce_csrf_checks=True)
    assert refused(client.post("/i18n/setlang/", {"language": "en", "next": "/"}))
    # With the token the page gives, it works: the refusal above is the token's doing.
    html = client.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_admin_login_needs_the_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    assert refused(client.post("/admin/login/", {"username": "admin", "password": "password"}))


def test_admin_upload_and_its_confirmation_need_the_token(editor, admin_user):
    upload = SimpleUploadedFile("seed.txt", SEED.read_bytes())
    assert refused(editor.post("/admin/archive/article/upload/", {"files": [upload]}))
    assert not ImportBatch.objects.exists()

    batch = jobs.store_upload(
        [SimpleUploadedFile("seed.txt", SEED.read_bytes())], Defaults("", "", ""), admin_user
    )
    jobs.preview(batch)
    assert refused(editor.post(f"/admin/archive/article/upload/{batch.pk}/", {"confirm": "1"}))
    assert not Article.objects.exists()


def test_admin_add_change_delete_and_logout_need_the_token(editor, make_article):
    article = make_article("قافلة مساعدات", "نص")
    assert refused(editor.post("/admin/archive/article/add/", {"title": "x"}))
    url = f"/admin/archive/article/{article.pk}/"
    assert refused(editor.post(url + "change/", {"title": "changed"}))
    assert refused(editor.post(url + "delete/", {"post": "yes"}))
    assert refused(
        editor.post(
            "/admin/archive/article/",
            {"action": "delete_selected", "_selected_action": [article.pk]},
        )
    )
    assert Article.objects.get(pk=article.pk).title == "قافلة مساعدات"
    assert refused(editor.post("/admin/logout/"))


def test_every_post_form_of_ours_carries_the_token_and_search_forms_are_gets():
    for path in (ROOT / "templates").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, re.S):
            opening = form.split(">", 1)[0]
            if 'method="post"' in opening:
                assert "{% csrf_token %}" in form, path
            else:
                assert 'method="get"' in opening or "method=" not in opening, path
