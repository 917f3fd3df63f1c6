"""No single request may pin a web worker: every search, export and feed is bounded, and says
so when it cut something (issue 16, part 4). Limits: docs/reference.md#limits."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def english(client, admin_client):
    """Messages are asserted in English (the interface is Arabic unless the browser asks)."""
    for each in (client, admin_client):
        each.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def five(make_article, indexed):
    for number in range(5):
        make_article(f"قافلة مساعدات رقم {number}", ["وصلت قافلة مساعدات إلى حلب."])
    indexed()


def _streamed(response) -> str:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


# --- exports ------------------------------------------------------------------------------------


def test_an_anonymous_export_stops_at_its_limit_and_says_so(client, five, settings):
    settings.ARCHIVE_EXPORT_MAX_ROWS = 3
    response = client.get("/search/export.csv", {"q": "مساعدات"})
    text = _streamed(response).removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "id"
    assert len(rows) == 1 + 3 + 1
    assert rows[-1][0].startswith("# Export cut short: it holds the first 3 results")
    assert response["X-Arshif-Export-Limit"] == "3"
    assert response["X-Arshif-Export-Rows"] == "3"
    assert "first 3 results only" in response["X-Arshif-Export-Truncated"]

    response = client.get("/search/export.jsonl", {"q": "مساعدات"})
    lines = [json.loads(line) for line in _streamed(response).splitlines()]
    assert [("id" in line) for line in lines] == [True, True, True, False]
    assert lines[-1]["truncated"] is True and lines[-1]["rows"] == 3
    assert "Narrow the search" in lines[-1]["message"]


def test_an_export_within_its_limit_is_whole_and_says_nothing(client, five, settings):
    settings.ARCHIVE_EXPORT_MAX_ROWS = 5
    response = client.get("/search/export.jsonl", {"q": "مساعدات"})
    lines = [json.loads(line) for line in _streamed(response).splitlines()]
    assert len(lines) == 5 and all("id" in line for line in lines)
    assert "X-Arshif-Export-Truncated" not in response
    assert response["X-Arshif-Export-Rows"] == "5"


def test_staff_may_export_more(admin_client, five, settings):
    settings.ARCHIVE_EXPORT_MAX_ROWS = 2
    settings.ARCHIVE_EXPORT_MAX_ROWS_STAFF = 4
    response = admin_client.get("/search/export.csv")  # a browse: every article
    rows = list(csv.reader(io.StringIO(_streamed(response).removeprefix("\ufeff"))))
    assert len(rows) == 1 + 4 + 1
    assert response["X-Arshif-Export-Limit"] == "4"


def test_the_results_page_says_a_download_is_cut(client, five, settings):
    settings.ARCHIVE_EXPORT_MAX_ROWS = 3
    html = client.get("/search/", {"q": "مساعدات"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "CSV spreadsheet (3 articles)" in html
    assert "A download holds the first 3 results" in html
    settings.ARCHIVE_EXPORT_MAX_ROWS = 10
    html = client.get("/search/", {"q": "مساعدات"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "CSV spreadsheet (5 articles)" in html
    assert "A download holds" not in html


# --- page depth ---------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["مساعدات", ""])
def test_pages_stop_at_the_depth_limit_with_a_note(client, five, settings, q):
    settings.ARCHIVE_PAGE_SIZE = 2
    settings.ARCHIVE_MAX_PAGE_DEPTH = 4
    data = client.get("/api/search", {"q": q}).json()
    assert (data["count"], data["pages"]) == (5, 2)
    assert any("Only the first 4 results can be paged through" in n for n in data["notes"])
    response = client.get("/api/search", {"q": q, "page": 3})
    assert response.status_code == 404
    assert (
        "only the first 4 results of a search can be paged through (pages 1 to 2)"
        in (response.json()["error"])
    )
    page = client.get("/search/", {"q": q, "page": 3}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 404
    assert "pages 1 to 2" in page.content.decode()
    # The pager offers no page it would refuse.
    html = client.get("/search/", {"q": q}).content.decode()
    assert "page=3" not in html


@pytest.mark.parametrize("page", ["99999999999999999999", "1000000"])
def test_an_absurd_page_number_is_a_404_not_a_server_error(client, five, page):
    """Found by tests/test_fuzz_web.py: a browse handed the offset to SQLite, which overflowed."""
    for q in ("", "مساعدات"):
        response = client.get("/api/search", {"q": q, "page": page})
        assert response.status_code == 404
        assert "too deep" in response.json()["error"]
        assert client.get("/search/", {"q": q, "page": page}).status_code == 404


def test_a_page_past_the_last_names_the_last(client, five):
    response = client.get("/api/search", {"q": "مساعدات", "page": 2})
    assert response.status_code == 404
    assert response.json()["error"] == "page 2 is out of range: the last page is 1"


# --- queries ------------------------------------------------------------------------------------


def test_a_one_letter_prefix_is_a_word_and_the_reader_is_told(client, five):
    data = client.get("/api/search", {"q": "ا* حلب"}).json()
    assert data["count"] == 5
    assert "ا*: a prefix needs at least 2 letters of its own; searched as a word" in data["notes"]
    data = client.get("/api/search", {"q": "ال*"}).json()
    assert any(note.startswith("ال*: a prefix needs") for note in data["notes"])


def test_a_prefix_matching_too_many_words_is_capped_with_a_note(client, make_article, indexed):
    from search.engine.contract import MAX_PREFIX_TERMS

    make_article("قائمة طويلة", [" ".join(f"قرا{n}" for n in range(MAX_PREFIX_TERMS + 5))])
    indexed()
    data = client.get("/api/search", {"q": "قرا*"}).json()
    assert data["count"] == 1
    assert data["notes"] == [
        "قرا* matches too many words: only the 2,000 most frequent were searched"
    ]
    html = client.get("/search/", {"q": "قرا*"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "only the 2,000 most frequent were searched" in html
    assert client.get("/api/search", {"q": "قرا1*"}).json()["notes"] == []


def test_long_queries_are_cut_with_a_note(client, five):
    data = client.get("/api/search", {"q": "حلب " * 600}).json()
    assert data["count"] == 5
    assert "query shortened to 500 characters" in data["notes"]
    many = " OR ".join(f"كلمة{n}" for n in range(30)) + " OR حلب"
    data = client.get("/api/search", {"q": many}).json()
    assert "only the first 20 terms were used" in data["notes"]


def test_facets_are_capped(client, make_article, indexed, monkeypatch):
    from search import service

    monkeypatch.setattr(service, "FACET_LIMIT", 3)
    make_article("خبر", ["نص"], tags=["أ", "ب", "ج", "د", "ه"])
    indexed()
    assert len(client.get("/api/search").json()["facets"]["tag"]) == 3


def test_too_many_values_for_one_filter_are_refused(client, db):
    response = client.get("/api/search", {"tag": [f"t{n}" for n in range(21)]})
    assert response.status_code == 400
    assert "tag" in response.json()["fields"]


def test_the_feed_holds_at_most_its_size(client, five, monkeypatch):
    from search.web import feeds

    monkeypatch.setattr(feeds, "FEED_SIZE", 2)
    root = ET.fromstring(client.get("/search/feed.atom", {"q": "مساعدات"}).content)
    assert len(root.findall(f"{ATOM}entry")) == 2


def test_the_query_notes_are_in_the_readers_language(client, five):
    # The notes the query parser makes (search.analysis, no Django) are translated too.
    html = client.get("/search/", {"q": "ا* حلب"}, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "ا*: تحتاج البادئة إلى 2 من الحروف على الأقل دون «ال»؛ بُحث عنها كلمةً كاملة" in html
    assert "a prefix needs" not in html
    data = client.get("/api/search", {"q": "حلب " * 600}, HTTP_ACCEPT_LANGUAGE="ar").json()
    assert "قُصّر الاستعلام إلى 500 حرف" in data["notes"]
    many = " OR ".join(f"كلمة{n}" for n in range(30)) + " OR حلب"
    data = client.get("/api/search", {"q": many}, HTTP_ACCEPT_LANGUAGE="ar").json()
    assert "استُعمل أول 20 مصطلحًا فقط" in data["notes"]
