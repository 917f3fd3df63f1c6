"""Property tests (hypothesis): no search parameters, however odd, make a search URL fail.

`/api/search`, the results page, both exports and the feed are asked, through Django's test
client and the real views, with any query string and any combination of their parameters
(page, sort, dates, every facet, repeated or not, unknown keys). Each answers 200, 400 (bad
parameters, with the fields named) or 404 (a page out of range), never 500.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.engine.contract import FACETS
from tests.fuzz.strategies import mixed_text, query_text

URLS = (
    "/api/search",
    "/search/",
    "/search/export.csv",
    "/search/export.jsonl",
    "/search/feed.atom",
)

_numbers = st.one_of(
    st.integers(-5, 60).map(str),
    st.sampled_from(["0", "-1", "1e9", "99999999999999999999", "", " 2", "٢", "1.5", "NaN"]),
)
_dates = st.one_of(
    st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(["2019-02-30", "0000-01-01", "2019-13-01", "", "yesterday", "٢٠١٩-٠٢-٠٦"]),
    mixed_text,
)
_values = {
    "q": query_text,
    "page": _numbers,
    "sort": st.one_of(st.sampled_from(["relevance", "newest", "oldest", "", "RANDOM"]), mixed_text),
    "from": _dates,
    "to": _dates,
    "year": st.one_of(_numbers, st.sampled_from(["2019", "9999", "10000", "0"])),
    **{
        name: st.one_of(st.sampled_from(["syria", "داعش", "وكالة-الانباء", "ar", "en"]), mixed_text)
        for name in FACETS
        if name != "year"
    },
    "unknown": mixed_text,
}
_pairs = st.lists(
    st.sampled_from(sorted(_values)).flatmap(lambda key: st.tuples(st.just(key), _values[key])),
    max_size=8,
)
# A raw query string, as a client may send it: broken escapes, bare keys, stray separators.
_raw = st.text(st.sampled_from('q=&%;+ab0123456789AFaf-*"ا ل'), max_size=40)


@pytest.fixture
def small_archive(make_article, indexed):
    make_article(
        "غارات على حلب",
        ["قالت وكالة الأنباء إن الغارات استهدفت أحياء حلب الشرقية، وارتفعت الأسعار 3.5 في المئة."],
        source="وكالة الأنباء",
        section="سوريا",
        published=date(2019, 2, 6),
        tags=["داعش"],
    )
    make_article("Airstrikes on Aleppo", ["Aleppo was shelled."], language="en", source="Agency")
    make_article("مقال بلا تاريخ", ["نص عن الموصل والعراق"])
    indexed()


def _ask(client, url: str, query_string: str) -> int:
    response = client.get(f"{url}?{query_string}")
    if response.streaming:
        b"".join(response.streaming_content)
    assert response.status_code in (200, 400, 404), (url, query_string, response.status_code)
    if response.status_code == 400 and url == "/api/search":
        assert response.json()["error"] == "invalid parameters"
    return response.status_code


# Each example is a few requests: half as many examples as the profile gives pure functions.
_fuzz = settings(
    max_examples=max(10, settings.default.max_examples // 2),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@_fuzz
@given(pairs=_pairs)
@pytest.mark.django_db
def test_the_api_never_fails_on_any_parameters(client, small_archive, pairs):
    _ask(client, "/api/search", urlencode(pairs))


@_fuzz
@given(pairs=_pairs, url=st.sampled_from(URLS[1:]))
@pytest.mark.django_db
def test_pages_exports_and_feeds_never_fail_on_any_parameters(client, small_archive, pairs, url):
    _ask(client, url, urlencode(pairs))


@_fuzz
@given(raw=_raw, url=st.sampled_from(URLS))
@pytest.mark.django_db
def test_any_raw_query_string_is_answered(client, small_archive, raw, url):
    _ask(client, url, raw)


@_fuzz
@given(q=st.text(max_size=300))
@pytest.mark.django_db
def test_any_unicode_query_is_answered(client, small_archive, q):
    """Bad syntax never fails (docs/reference.md); only a NUL character, which no text field
    takes, is refused, with the field named."""
    status = _ask(client, "/api/search", "q=" + quote(q, safe=""))
    assert status == (400 if "\x00" in q else 200)
