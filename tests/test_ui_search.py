"""The results page as HTML: filters as checkboxes, chips, pager, empty state, suggestion."""

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest


@pytest.fixture
def archive(make_article, indexed, settings):
    settings.ARCHIVE_PAGE_SIZE = 3
    made = []
    for number in range(7):
        made.append(
            make_article(
                f"قافلة مساعدات رقم {number} تصل إلى حلب",
                ["وصلت قافلة مساعدات إنسانية إلى المدينة بعد الحصار."],
                source="وكالة الأنباء" if number % 2 else "اندبندنت عربية",
                section="سياسة",
                published=date(2015 + number, 3, 1),
                tags=["مساعدات"],
            )
        )
    made.append(
        make_article(
            "Aid convoy reaches Aleppo",
            ["A convoy of humanitarian aid reached the city."],
            source="Example Wire",
            language="en",
            published=date(2019, 5, 1),
        )
    )
    indexed()
    return made


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def hrefs(html, css_class):
    return [unescape(h) for h in re.findall(rf'class="{css_class}"[^>]*href="([^"]+)"', html)]


def query_of(url):
    return parse_qs(urlsplit(url).query)


def test_facets_are_checkboxes_of_one_get_form_reflecting_the_selection(client, archive):
    html = page(client, "/search/?q=مساعدات&source=وكالة-الأنباء")
    form = html.split('<form id="search-form"')[1].split("</form>")[0]
    assert 'method="get"' in html.split('<form id="search-form"')[1][:200]
    assert re.search(r'<input type="checkbox" name="source" value="وكالة-الأنباء" checked>', form)
    assert re.search(r'<input type="checkbox" name="source" value="اندبندنت-عربية">', form)
    assert re.search(r'<input type="checkbox" name="year" value="2016">', form)
    # Without JavaScript the form still has a submit button for the filters.
    assert 'class="filters__apply"' in form
    assert 'name="from"' in form and 'name="to"' in form and 'name="sort"' in form


def test_multi_select_is_or_within_a_facet(client, archive):
    one = page(client, "/search/?q=مساعدات&year=2015")
    two = page(client, "/search/?q=مساعدات&year=2015&year=2016")
    assert "نتيجة واحدة" in one
    assert "نتيجتان" in two
    assert two.count("checked>") == 2


def test_active_filters_are_chips_whose_links_remove_exactly_one_value(client, archive):
    html = page(
        client, "/search/?q=مساعدات&year=2015&year=2016&source=وكالة-الأنباء&from=2010-01-01"
    )
    chips = hrefs(html, "chip")
    assert len(chips) == 5  # words, two years, one source, one date
    removed = {tuple(sorted((k, tuple(v)) for k, v in query_of(url).items())) for url in chips}
    assert len(removed) == 5
    year_2015 = next(url for url in chips if query_of(url).get("year") == ["2016"])
    assert query_of(year_2015) == {
        "q": ["مساعدات"],
        "source": ["وكالة-الأنباء"],
        "year": ["2016"],
        "from": ["2010-01-01"],
    }
    # The source chip shows the source's name, not its slug.
    assert re.search(r'class="chip__label">وكالة الأنباء</bdi>', html)
    assert 'class="chips__clear" href="/search/"' in html


def test_pagination_links_keep_every_parameter(client, archive):
    html = page(client, "/search/?q=مساعدات&tag=مساعدات&sort=oldest&from=2014-01-01")
    assert "7 نتائج" in html
    numbered = re.findall(
        r'<a href="([^"]+)"(?: aria-current="page")? aria-label="الصفحة \d+"', html
    )
    assert len(numbered) == 3
    for url in numbered[1:]:
        params = query_of(unescape(url))
        assert params["q"] == ["مساعدات"]
        assert params["tag"] == ["مساعدات"]
        assert params["sort"] == ["oldest"]
        assert params["from"] == ["2014-01-01"]
    next_url = unescape(re.search(r'rel="next" href="([^"]+)"', html).group(1))
    assert query_of(next_url)["page"] == ["2"]
    second = page(client, next_url)
    assert 'aria-current="page"' in second
    assert unescape(re.search(r'rel="prev" href="([^"]+)"', second).group(1)).count("page=") == 0
    # Results of page 2 are numbered from 4.
    assert '<ol class="results" start="4">' in second


def test_sort_selector_offers_relevance_only_with_words(client, archive):
    with_words = page(client, "/search/?q=مساعدات")
    assert '<option value="relevance" selected>' in with_words
    browsing = page(client, "/search/")
    assert 'value="relevance"' not in browsing
    assert '<option value="newest" selected>' in browsing
    assert '<option value="oldest" selected>' in page(client, "/search/?sort=oldest")


def test_empty_state_helps_and_links_back(client, archive):
    html = page(client, "/search/?q=مساعدات&year=2030")
    assert "لا نتائج" in html
    assert 'class="empty"' in html
    assert "ابحث من جديد دون أي مرشِّح أو تاريخ" in html
    link = unescape(re.search(r'<li><a href="([^"]+)">ابحث من جديد', html).group(1))
    assert query_of(link) == {"q": ["مساعدات"]}
    assert "كيف تبحث" in html


def test_did_you_mean_links_to_the_corrected_query_keeping_filters(client, archive):
    html = page(client, "/search/?q=مساعدت&source=وكالة-الأنباء")
    match = re.search(r'class="suggestion">هل تقصد: <a href="([^"]+)"', html)
    assert match, html[html.find("results-count") : html.find("results-count") + 600]
    params = query_of(unescape(match.group(1)))
    assert params["q"] == ["مساعدات"]
    assert params["source"] == ["وكالة-الأنباء"]


def test_each_result_carries_its_own_language_and_direction(client, archive):
    html = page(client, "/search/?language=en")
    assert re.search(r'<li class="result" lang="en" dir="ltr">', html)
    html = page(client, "/search/?q=مساعدات")
    assert re.search(r'<li class="result" lang="ar" dir="rtl">', html)
    assert "<mark>مساعدات</mark>" in html


def test_results_page_links_exports_and_the_feed_with_the_same_search(client, archive):
    html = page(client, "/search/?q=مساعدات&year=2015")
    for path in ("/search/export.csv", "/search/export.jsonl", "/search/feed.atom"):
        url = unescape(re.search(rf'href="({re.escape(path)}[^"]*)"', html).group(1))
        assert query_of(url) == {"q": ["مساعدات"], "year": ["2015"]}
    assert '<link rel="alternate" type="application/atom+xml"' in html


def test_timeline_bars_link_to_their_period_keeping_the_search(client, archive):
    html = page(client, "/search/?q=مساعدات&source=وكالة-الأنباء&from=2000-01-01")
    svg = html.split('<svg class="timeline__svg"')[1].split("</svg>")[0]
    assert "<title" in svg and "<desc" in svg
    links = [unescape(u) for u in re.findall(r'<a class="timeline__link" href="([^"]+)"', svg)]
    assert links
    for url in links:
        params = query_of(url)
        assert params["q"] == ["مساعدات"] and params["source"] == ["وكالة-الأنباء"]
        assert params["from"][0].endswith("-01-01") and params["to"][0].endswith("-12-31")
        assert "2000-01-01" not in params["from"]
    # A text alternative: the same numbers as a table.
    assert '<details class="timeline__table">' in html
    assert re.search(r"<th scope=\"row\"><a href=\"[^\"]+\">2016</a></th><td>1</td>", html)


def test_timeline_runs_in_the_reading_direction(client, archive):
    def first_bar_x(html):
        svg = html.split('<svg class="timeline__svg"')[1]
        xs = re.findall(r'<rect class="timeline__bar" x="([\d.]+)"', svg)
        return float(xs[0]), float(xs[-1])

    oldest_x, newest_x = first_bar_x(page(client, "/"))
    assert oldest_x > newest_x  # Arabic: the oldest year at the right
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    oldest_x, newest_x = first_bar_x(page(client, "/"))
    assert oldest_x < newest_x


def test_invalid_parameters_explain_themselves(client, archive):
    response = client.get("/search/?from=2020-01-01&to=2019-01-01")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_home_has_the_timeline_and_links_to_opensearch(client, archive):
    html = page(client, "/")
    assert 'class="timeline"' in html
    assert (
        '<link rel="search" type="application/opensearchdescription+xml" href="/opensearch.xml"'
        in html
    )


@pytest.mark.parametrize("params", [{"q": "مساعدات"}, {}], ids=["search", "browse"])
def test_pages_of_results_cost_the_same_queries_however_many_results(
    client, make_article, indexed, settings, params
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(page_size: int) -> int:
        settings.ARCHIVE_PAGE_SIZE = page_size
        client.get("/search/", params)  # the caches of a first request aside
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/search/", params)
        assert response.status_code == 200
        assert response.content.decode().count('class="result"') == page_size
        return len(captured)

    for number in range(6):
        make_article(
            f"مساعدات رقم {number}",
            ["وصلت المساعدات."],
            published=date(2020, 1, number + 1),
            published_precision="month" if number % 2 else "day",
        )
    indexed()
    # One query per result row would make six results cost four more than two.
    assert queries_for(6) == queries_for(2)
