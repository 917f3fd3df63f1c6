"""The benchmark's SQLite FTS5 reference (search/bench/fts5.py): the same analysed terms as the
engines, the query syntax translated to FTS5, filters and one facet, on a hand-made corpus."""

from __future__ import annotations

import json
import sqlite3

import pytest

from search.analysis.query import parse_query
from search.bench import fts5

RECORDS = [
    {
        "title": "مجلس الأمن يناقش وقف إطلاق النار",
        "body": "اجتمع مجلس الأمن الدولي لبحث الهدنة في حلب.",
        "source": "الجزيرة نت",
        "section": "سياسة",
        "language": "ar",
        "tags": ["سوريا"],
        "published": "2016-05-02",
    },
    {
        "title": "الأمن في المدينة",
        "body": "قال مجلس المدينة إن الأمن مستتب والانتخابات قريبة.",
        "source": "عنب بلدي",
        "section": "محليات",
        "language": "ar",
        "tags": [],
        "published": "2019-01-10",
    },
    {
        "title": "Refugees return",
        "body": "The Security Council discussed refugees and the ceasefire.",
        "source": "Reuters",
        "section": "دوليات",
        "language": "en",
        "tags": ["Syria"],
    },
]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fts5")
    corpus = folder / "articles.jsonl"
    corpus.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8"
    )
    built = fts5.build([corpus], folder / "reference.sqlite3")
    assert built["documents"] == len(RECORDS)
    connection = sqlite3.connect(folder / "reference.sqlite3")
    yield connection
    connection.close()


def _ids(reference, **params):
    page, count, _ = fts5.search(reference, params)
    assert count == len(page)
    return sorted(page)


def test_words_match_their_analysed_forms_in_any_spelling(reference):
    # Clitics, ة/ه and hamza are analysed away on both sides: the same terms as the engines.
    assert _ids(reference, q="الامن") == [1, 2]
    assert _ids(reference, q="والانتخابات") == [2]
    assert _ids(reference, q="مجلس حلب") == [1]
    assert _ids(reference, q="refugee") == [3]


def test_phrases_prefixes_alternatives_and_exclusion(reference):
    assert _ids(reference, q='"مجلس الأمن"') == [1]
    assert _ids(reference, q='"الأمن مجلس"') == []
    assert _ids(reference, q="انتخاب*") == [2]
    assert _ids(reference, q="حلب OR الانتخابات") == [1, 2]
    assert _ids(reference, q="الأمن -حلب") == [2]
    assert fts5.match_expression(parse_query("")) is None


def test_filters_sort_and_one_facet(reference):
    assert _ids(reference, q="مجلس", source="عنب-بلدي") == [2]
    assert _ids(reference, q="مجلس", tag="سوريا") == [1]
    assert _ids(reference, q="مجلس", **{"from": "2018-01-01"}) == [2]
    assert _ids(reference, year="2016") == [1]
    page, count, facet = fts5.search(reference, {"q": "مجلس", "sort": "oldest"})
    assert (page, count) == ([1, 2], 2)
    assert sorted(facet) == [("الجزيرة-نت", 1), ("عنب-بلدي", 1)]
    # Browsing: newest first, undated last.
    assert fts5.search(reference, {})[0] == [2, 1, 3]
