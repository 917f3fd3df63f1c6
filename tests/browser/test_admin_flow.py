"""An editor signs in to the admin, adds an article, and a reader finds it."""

import json
from urllib.parse import quote

from playwright.sync_api import expect


def sign_in(page, base):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    user = get_user_model().objects.create_superuser("editor", "editor@example.org")
    # gunicorn runs with the project's settings, whose hashers the test settings' MD5 is not.
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode("correct horse", hasher.salt())
    user.save()
    page.goto(base + "/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "correct horse")
    with page.expect_navigation():
        page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("editor")


def test_admin_adds_an_article_that_becomes_searchable(page, live_archive):
    from search.indexing import process_pending

    base, _ = live_archive
    sign_in(page, base)
    page.goto(base + "/admin/archive/article/add/")
    # The structure fields sit in collapsed fieldsets (<details>): open them as an editor would.
    for summary in page.locator("details:has(#id_blocks) > summary").all():
        summary.click()
    page.fill("#id_title", "لقاء في الباغوز")
    page.fill(
        "#id_blocks",
        json.dumps([{"kind": "paragraph", "text": "اجتمع وجهاء الباغوز لبحث عودة النازحين."}]),
    )
    page.select_option("#id_language", "ar")
    page.fill("#id_published", "2019-03-23")
    with page.expect_navigation():
        page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_be_visible()
    process_pending()  # what the index worker does beside gunicorn

    page.goto(base + "/search/?q=" + quote("الباغوز"))
    expect(page.locator("ol.results > li")).to_have_count(1)
    expect(page.locator(".result__title")).to_contain_text("لقاء في الباغوز")
    with page.expect_navigation():
        page.click(".result__title a")
    expect(page.locator("h1")).to_have_text("لقاء في الباغوز")


def test_admin_uploads_a_file_that_becomes_searchable(page, live_archive, tmp_path):
    from search.indexing import process_pending

    base, _ = live_archive
    sign_in(page, base)
    response = page.goto(base + "/admin/archive/article/upload/")
    assert response.status == 200, "the admin bulk upload page is missing"
    upload = tmp_path / "kafranbel.jsonl"
    records = [
        {
            "title": "مظاهرة أسبوعية في كفرنبل",
            "body": "رفع أهالي كفرنبل لافتاتهم الساخرة كعادتهم كل يوم جمعة.",
            "published": "2013-04-12",
            "source": "مراسلون",
        },
        {
            "title": "Weekly protest in Kafranbel",
            "body": "Residents of Kafranbel raised their banners again.",
            "language": "en",
            "published": "2013-04-12",
        },
    ]
    upload.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8"
    )
    page.set_input_files("#id_files", str(upload))
    with page.expect_navigation():
        page.click("#content-main input[type=submit]")
    # The preview lists what the file holds; nothing is saved until the editor confirms.
    expect(page.locator("#content-main")).to_contain_text("كفرنبل")
    with page.expect_navigation():
        page.click("input[name=confirm]")
    process_pending()  # what the index worker does beside gunicorn

    page.goto(base + "/search/?q=" + quote("كفرنبل") + "&language=ar")
    expect(page.locator("ol.results > li")).to_have_count(1)
    expect(page.locator(".result__title")).to_contain_text("مظاهرة أسبوعية في كفرنبل")
    # Kafranbel is in the gazetteer: either spelling finds both articles.
    page.goto(base + "/search/?q=Kafranbel")
    expect(page.locator("ol.results > li[lang='en'][dir='ltr']")).to_have_count(1)
    expect(page.locator("ol.results > li[lang='ar'][dir='rtl']")).to_have_count(1)
