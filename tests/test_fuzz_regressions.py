"""What the fuzz tests (tests/test_fuzz_*.py) found, pinned as plain examples.

Each test failed before its fix; the property tests may draw other examples in another
version of hypothesis, these stay.
"""

from __future__ import annotations

from datetime import date

import pytest

from archive.ingest.formats import parse_file
from search.analysis.query import parse_query


def test_a_decimal_number_in_a_query_is_one_word_as_in_the_index():
    """The index keeps 3.5 and 1,000 whole; the query parser split them into a phrase of two."""
    assert [word.exact for word in parse_query("3.5").words()] == ["3.5"]
    assert [word.exact for word in parse_query("1,000 قتيل").words()] == ["1,000", "قتيل"]
    assert [word.exact for word in parse_query("٣٫٥").words()] == ["3.5"]
    # A full stop or comma that ends a word is still not part of it.
    assert [word.exact for word in parse_query("حلب, 2019.").words()] == ["حلب", "2019"]


@pytest.mark.django_db
def test_a_search_for_a_decimal_number_finds_it(client, make_article, indexed):
    make_article("ارتفاع الأسعار", ["ارتفعت الأسعار 3.5 في المئة ونزح 1,000 شخص."])
    make_article("خبر آخر", ["لا أرقام هنا."])
    indexed()
    for q in ("3.5", "1,000", "٣٫٥"):
        data = client.get("/api/search", {"q": q}).json()
        assert [r["title"] for r in data["results"]] == ["ارتفاع الأسعار"], q


@pytest.mark.django_db
def test_a_control_character_in_a_filter_does_not_break_the_feed(client, make_article, indexed):
    """The feed's title names the filters; a \\x1b in one made the XML writer raise (500)."""
    make_article("غارات على حلب", ["نص"], published=date(2019, 2, 6))
    indexed()
    response = client.get("/search/feed.atom", {"language": "\x1b", "q": "حلب\x07"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert b"\x1b" not in response.content and b"\x07" not in response.content


def test_a_control_character_in_a_saved_page_is_dropped_not_a_parser_failure():
    """A stray \\x0b in a heading made lxml (inside trafilatura) raise a bare ValueError."""
    body = (
        "<p>" + "قالت وكالة الأنباء إن الغارات استهدفت أحياء حلب الشرقية صباح اليوم. " * 8 + "</p>"
    )
    page = f"<html><head><title>غارات\x0b على حلب</title></head><body><h1>غارات\x0b على حلب</h1>{body}</body></html>"
    _decoded, results = parse_file("html", page.encode("utf-8"))
    article = results[0].article
    assert article.title == "غارات على حلب"
    assert "الغارات استهدفت" in article.body_text
