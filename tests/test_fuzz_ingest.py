"""Property tests (hypothesis): the import's parsers take any bytes without a surprise.

Plain text, HTML, JSON, JSON Lines and CSV files are parsed (archive.ingest.formats.parse_file,
then the sanitiser, as an import does) from arbitrary bytes and from near-valid files. Each
either gives records — every one an article or a stated reason — or refuses the file with one
of the project's refusals (UnreadableFile, RecordError, NoArticleError) and a message; never
any other exception, which an import would report only as "parser failed".
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.ingest.decode import UnreadableFile
from archive.ingest.formats import parse_file
from archive.ingest.plaintext.parser import NoArticleError
from archive.ingest.records import RecordError
from archive.ingest.sanitize import clean_article
from tests.fuzz.strategies import arabic_word, mixed_text

REFUSALS = (UnreadableFile, RecordError, NoArticleError)


def _parses_or_refuses(fmt: str, data: bytes) -> None:
    try:
        _decoded, results = parse_file(fmt, data, name=f"fuzz.{fmt}")
    except REFUSALS as error:
        assert str(error).strip()
        return
    assert results
    for result in results:
        assert (result.article is None) != (not result.error), result
        if result.article is not None:
            article = clean_article(result.article)
            assert article.title.strip()


_encodings = st.sampled_from(["utf-8", "utf-16", "cp1256", "latin-1"])


def _encoded(text_strategy):
    return st.tuples(text_strategy, _encodings).map(
        lambda pair: pair[0].encode(pair[1], errors="ignore")
    )


_text_lines = st.lists(
    st.one_of(mixed_text, st.lists(arabic_word, max_size=15).map(" ".join)), max_size=12
).map("\n".join)
_any_bytes = st.binary(max_size=400)
_json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | mixed_text,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "title",
                    "body",
                    "published",
                    "url",
                    "tags",
                    "language",
                    "source",
                    "section",
                    "author",
                    "standfirst",
                    "x",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=12,
)
_record = st.fixed_dictionaries(
    {"title": mixed_text, "body": _text_lines},
    optional={
        "published": st.one_of(mixed_text, st.dates().map(str), st.integers()),
        "url": st.one_of(mixed_text, st.just("https://example.org/a")),
        "tags": st.one_of(st.lists(mixed_text, max_size=3), mixed_text, st.integers()),
        "language": st.sampled_from(["ar", "en", "fr", ""]),
        "source": mixed_text,
    },
)


@given(st.one_of(_any_bytes, _encoded(_text_lines)))
def test_plain_text_never_raises(data):
    _parses_or_refuses("txt", data)


@given(
    st.one_of(
        _any_bytes,
        _encoded(
            st.one_of(_json_value, _record, st.lists(_record, max_size=3)).map(
                lambda value: json.dumps(value, ensure_ascii=False)
            )
        ),
    )
)
def test_json_never_raises(data):
    _parses_or_refuses("json", data)


@given(
    st.one_of(
        _any_bytes,
        _encoded(
            st.lists(st.one_of(_json_value, _record), max_size=4).map(
                lambda values: "\n".join(json.dumps(v, ensure_ascii=False) for v in values)
            )
        ),
    )
)
def test_json_lines_never_raise(data):
    _parses_or_refuses("jsonl", data)


_csv_cell = st.one_of(
    mixed_text, st.sampled_from(['"', '""', ",", "\n", "\r", 'a"b', "2019-02-06"])
)


@given(
    st.one_of(
        _any_bytes,
        _encoded(
            st.lists(st.lists(_csv_cell, max_size=5).map(",".join), max_size=5).map(
                lambda rows: "\n".join(["title,body,published,tags", *rows])
            )
        ),
    )
)
def test_csv_never_raises(data):
    _parses_or_refuses("csv", data)


_tags = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<h1>",
        "</h1>",
        "<title>",
        "</title>",
        "<article>",
        "<script>",
        "<div>",
        "<br>",
        '<meta charset="cp1256">',
        "<!--",
        "-->",
        "<![CDATA[",
        "&amp;",
        "&#0;",
        "&#x110000;",
        "<",
    ]
)
_html = st.lists(
    st.one_of(_tags, mixed_text, st.lists(arabic_word, max_size=30).map(" ".join)), max_size=25
).map("".join)


@settings(max_examples=max(10, settings.default.max_examples // 3))
@given(st.one_of(_any_bytes, _encoded(_html)))
def test_html_never_raises(data):
    _parses_or_refuses("html", data)
