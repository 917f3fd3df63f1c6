"""Both interface languages: direction, strings, dates and numbers, content direction."""

import re
from datetime import date

import pytest


@pytest.fixture
def english(client):
    def switch():
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/search/?q=x"})
        assert response.status_code == 302
        assert response["Location"] == "/search/?q=x"

    return switch


def test_arabic_is_the_default_interface(client, db):
    html = client.get("/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "ابحث في أرشيف أخبار النزاعات" in html
    # The switcher names the other language in that language, marked as such.
    assert re.search(r'<button type="submit" name="language" value="en" lang="en" dir="ltr"', html)
    assert 'aria-current="true">العربيّة</span>' in html


def test_switching_to_english_flips_direction_and_strings(client, db, english):
    english()
    html = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Search the archive of conflict news" in html
    assert "ابحث في أرشيف" not in html
    assert re.search(r'<button type="submit" name="language" value="ar" lang="ar" dir="rtl"', html)
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert '<html lang="ar" dir="rtl">' in client.get("/").content.decode()


def test_the_switcher_comes_back_to_the_same_search(client, db):
    html = client.get("/search/?q=حلب&year=2019").content.decode()
    assert re.search(r'name="next" type="hidden" value="/search/\?q=[^"]+&amp;year=2019"', html)


def test_accept_language_english_is_honoured(client, db):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="en" dir="ltr">' in html


def test_dates_and_numbers_follow_the_interface_language(client, make_article, indexed, english):
    article = make_article("خبر قديم", published=date(2019, 2, 6))
    for number in range(3):
        make_article(f"خبر {number}")
    indexed()
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert '<time datetime="2019-02-06" lang="ar" dir="rtl">6 فبراير 2019</time>' in html
    home = client.get("/").content.decode()
    assert "4 مقالات في الأرشيف" in home
    english()
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert '<time datetime="2019-02-06" lang="en" dir="ltr">6 February 2019</time>' in html
    assert "4 articles in the archive" in client.get("/").content.decode()


def test_arabic_plurals(client, make_article, indexed):
    make_article("خبر وحيد عن حلب")
    indexed()
    assert "نتيجة واحدة" in client.get("/search/?q=حلب").content.decode()
    assert "لا نتائج" in client.get("/search/?q=دمشق").content.decode()


def test_english_content_keeps_its_direction_in_the_arabic_interface(client, make_article, indexed):
    article = make_article("Aid reaches Aleppo", ["A convoy arrived."], language="en")
    indexed()
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert '<article class="article" lang="en" dir="ltr">' in html
    results = client.get("/search/?q=convoy").content.decode()
    assert '<li class="result" lang="en" dir="ltr">' in results


def test_every_interface_string_is_translated(db):
    """The Arabic catalogue has no untranslated or fuzzy entry."""
    from pathlib import Path

    po = Path(__file__).resolve().parent.parent / "locale" / "ar" / "LC_MESSAGES" / "django.po"
    text = po.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    untranslated = []
    for entry in entries:
        lines = entry.splitlines()
        if not lines or lines[0].startswith("#~"):
            continue
        empty = [
            i
            for i, line in enumerate(lines)
            if re.fullmatch(r'msgstr(\[\d\])? ""', line)
            and (i + 1 == len(lines) or not lines[i + 1].startswith('"'))
        ]
        if "#, fuzzy" in entry or empty:
            untranslated.append(entry)
    assert not untranslated, "\n\n".join(untranslated[:5])
