"""Whole-search downloads (CSV, JSON Lines) and the Atom feed of a search."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.http import StreamingHttpResponse

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def archive(make_article, indexed, settings):
    settings.ARCHIVE_PAGE_SIZE = 2  # exports must not stop at a page
    for number in range(5):
        make_article(
            f"مساعدات إنسانية رقم {number}",
            ['وصلت قافلة مساعدات إلى حلب،\nوقال مسؤول: "الوضع صعب".'],
            source="وكالة الأنباء",
            published=date(2016 + number, 1, 1),
        )
    make_article("تقرير بلا تاريخ عن المساعدات", ["نص عن المساعدات."], source="مراسلون")
    make_article("Aid convoy", ["Aid reached the city."], language="en", source="Example Wire")
    indexed()


def streamed(response) -> bytes:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def api_count(client, query):
    return client.get("/api/search", query).json()["count"]


@pytest.mark.parametrize(
    "query",
    [{"q": "مساعدات"}, {}, {"q": "مساعدات", "year": ["2017", "2018", "2019"]}, {"language": "ar"}],
)
def test_csv_has_one_row_per_result_with_the_api_fields_and_body(client, archive, query):
    response = client.get("/search/export.csv", query)
    body = streamed(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="arshif-')
    assert ".csv" in response["Content-Disposition"]
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets read it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == api_count(client, query) > 2
    api_fields = set(client.get("/api/search", query).json()["results"][0])
    assert set(rows[0]) == api_fields | {"body"}
    assert rows[0]["url"].startswith("http://testserver/articles/")


def test_csv_keeps_arabic_newlines_and_quotes_intact(client, archive):
    text = streamed(client.get("/search/export.csv", {"q": "قافلة", "sort": "oldest"})).decode()
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0]["title"] == "مساعدات إنسانية رقم 0"
    assert rows[0]["body"] == 'وصلت قافلة مساعدات إلى حلب،\nوقال مسؤول: "الوضع صعب".'
    assert rows[0]["published"] == "2016-01-01"
    assert "<mark>قافلة</mark>" in rows[0]["snippet"]


def test_jsonl_is_one_utf8_object_per_result_in_search_order(client, archive):
    response = client.get("/search/export.jsonl", {"q": "مساعدات", "sort": "newest"})
    body = streamed(response)
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert "مساعدات" in body.decode("utf-8")  # not \u escapes
    records = [json.loads(line) for line in body.decode("utf-8").splitlines()]
    assert len(records) == api_count(client, {"q": "مساعدات"}) == 6
    dates = [r["published"] for r in records if r["published"]]
    assert dates == sorted(dates, reverse=True)
    assert records[-1]["published"] is None  # unknown dates last
    assert {"id", "title", "body", "snippet", "source_url"} <= set(records[0])


def test_export_filename_names_the_search(client, archive):
    response = client.get("/search/export.jsonl", {"q": "مساعدات"})
    disposition = response["Content-Disposition"]
    assert "filename*=UTF-8''arshif-%D9%85" in disposition
    assert disposition.split("filename*=")[1].endswith(".jsonl")


def test_export_beyond_one_chunk(client, make_article, indexed, monkeypatch):
    from search.web import exports

    monkeypatch.setattr(exports, "CHUNK", 3)
    for number in range(8):
        make_article(f"خبر {number}", ["كلمة مشتركة"])
    indexed()
    lines = streamed(client.get("/search/export.jsonl", {"q": "مشتركة"})).splitlines()
    assert len(lines) == 8
    assert len({json.loads(line)["id"] for line in lines}) == 8


def test_invalid_export_parameters_are_a_400(client, db):
    response = client.get("/search/export.csv", {"from": "yesterday"})
    assert response.status_code == 400


def test_atom_feed_of_a_search_is_valid_and_newest_first(client, archive):
    response = client.get("/search/feed.atom", {"q": "مساعدات", "year": ["2017", "2019"]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert "مساعدات" in root.find(f"{ATOM}title").text
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "مساعدات إنسانية رقم 3",
        "مساعدات إنسانية رقم 1",
    ]
    for entry in entries:
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/articles/")
        assert entry.find(f"{ATOM}id").text
        assert entry.find(f"{ATOM}updated").text
        assert "<mark>" in entry.find(f"{ATOM}summary").text
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert "/search/?" in links["alternate"] and "sort=newest" in links["alternate"]
    assert "/search/feed.atom?" in links["self"]


def test_atom_feed_without_words_lists_the_newest_articles(client, archive):
    root = ET.fromstring(client.get("/search/feed.atom").content)
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert titles[0] == "مساعدات إنسانية رقم 4"
    assert len(titles) == 7


def test_atom_feed_rejects_invalid_parameters(client, db):
    assert client.get("/search/feed.atom", {"to": "soon"}).status_code == 404


@pytest.mark.parametrize("q", ["مساعدات", ""])
def test_the_first_matches_are_asked_for_without_reading_them_all(archive, q):
    from search.service import SearchParams, all_matching_ids

    params = SearchParams(q=q, sort="newest")
    everything = all_matching_ids(params)
    assert len(everything) >= 5
    assert all_matching_ids(params, limit=3) == everything[:3]
