"""A reader in a real browser: search, filter, chips, language, article layout, timeline."""

import re
from urllib.parse import parse_qs, quote, urlsplit

from playwright.sync_api import expect


def params(url):
    return parse_qs(urlsplit(url).query)


def result_count(page) -> int:
    return page.locator("ol.results > li.result").count()


def test_search_tick_a_facet_then_remove_its_chip(page, live_archive):
    base, _ = live_archive
    page.goto(base + "/")
    page.fill("#q", "مساعدات")
    page.press("#q", "Enter")
    page.wait_for_url("**/search/?q=*")
    expect(page.locator("h1")).to_contain_text("مساعدات")
    everything = page.locator(".results-count").inner_text()
    before = result_count(page)
    assert before > 0

    # Ticking a checkbox submits the form by itself (JavaScript) and narrows the results.
    source = page.locator("#facet-source label.facet__option", has_text="مراسلون")
    with page.expect_navigation():
        source.locator("input").check()
    assert params(page.url)["source"] == ["مراسلون"]
    assert params(page.url)["q"] == ["مساعدات"]
    narrowed = page.locator(".results-count").inner_text()
    assert narrowed != everything
    for meta in page.locator(".result__meta .meta__source").all_inner_texts():
        assert meta == "مراسلون"
    expect(page.locator("#facet-source input[value='مراسلون']")).to_be_checked()

    # A second value of the same facet widens (OR); the URL holds both.
    with page.expect_navigation():
        page.locator("#facet-source input[value='وكالة-الأنباء']").check()
    assert sorted(params(page.url)["source"]) == ["مراسلون", "وكالة-الأنباء"]

    # The chip removes exactly its own value.
    chip = page.locator("a.chip[data-kind='source']", has_text="مراسلون")
    with page.expect_navigation():
        chip.click()
    assert params(page.url)["source"] == ["وكالة-الأنباء"]
    expect(page.locator("#facet-source input[value='مراسلون']")).not_to_be_checked()
    # No empty parameters in the shared URL.
    assert "from=" not in page.url and "to=" not in page.url


def test_sort_and_dates_change_the_url(page, live_archive):
    base, _ = live_archive
    page.goto(base + "/search/?q=" + quote("مساعدات"))
    with page.expect_navigation():
        page.select_option("#sort", "oldest")
    assert params(page.url)["sort"] == ["oldest"]
    dates = page.locator(".result time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates == sorted(dates)
    page.fill("input[name='from']", "2017-01-01")
    page.fill("input[name='to']", "2017-12-31")
    with page.expect_navigation():
        page.click(".date-range__apply")
    query = params(page.url)
    assert query["from"] == ["2017-01-01"] and query["to"] == ["2017-12-31"]
    for value in page.locator(".result time").evaluate_all("els => els.map(e => e.dateTime)"):
        assert value.startswith("2017-")


def test_filters_and_sort_work_without_javascript(playwright_api, live_archive, tmp_path):
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    base, _ = live_archive
    context = playwright_api.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        java_script_enabled=False,
    )
    try:
        page = context.new_page()
        page.goto(base + "/search/?q=" + quote("مساعدات"))
        page.locator("#facet-year input[value='2016']").check()
        assert "year=" not in page.url  # nothing happens until the reader applies
        with page.expect_navigation():
            page.click(".filters__apply")
        assert params(page.url)["year"] == ["2016"]
        page.select_option("#sort", "oldest")
        with page.expect_navigation():
            page.click(".sort button")  # shown only without JavaScript
        assert params(page.url)["sort"] == ["oldest"]
        assert params(page.url)["year"] == ["2016"]
    finally:
        context.close()


def test_switching_language_flips_direction_and_strings(page, live_archive):
    base, _ = live_archive
    page.goto(base + "/search/?q=" + quote("حلب"))
    assert page.evaluate("document.documentElement.dir") == "rtl"
    expect(page.locator(".filters__heading")).to_have_text("تضييق النتائج")
    with page.expect_navigation():
        page.click(".language-switch button[value='en']")
    # Back on the same search, now in English and left to right.
    assert params(page.url)["q"] == ["حلب"]
    assert page.evaluate("document.documentElement.dir") == "ltr"
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.locator(".filters__heading")).to_have_text("Narrow the results")
    sidebar = page.locator(".sidebar").bounding_box()
    results = page.locator(".content").bounding_box()
    assert sidebar["x"] < results["x"]  # filters on the left in English
    with page.expect_navigation():
        page.click(".language-switch button[value='ar']")
    sidebar = page.locator(".sidebar").bounding_box()
    results = page.locator(".content").bounding_box()
    assert sidebar["x"] > results["x"]  # and on the right in Arabic


def test_article_layout_follows_the_article_language(page, live_archive):
    base, articles = live_archive
    page.goto(base + articles["seed"].get_absolute_url())
    article = page.locator("article.article").bounding_box()
    title = page.locator("h1.article__title")
    box = title.bounding_box()
    text_right = title.evaluate(
        "h => { const r = document.createRange(); r.selectNodeContents(h);"
        " const rects = [...r.getClientRects()]; return Math.max(...rects.map(x => x.right)); }"
    )
    text_left = title.evaluate(
        "h => { const r = document.createRange(); r.selectNodeContents(h);"
        " const rects = [...r.getClientRects()]; return Math.min(...rects.map(x => x.left)); }"
    )
    assert abs((box["x"] + box["width"]) - (article["x"] + article["width"])) < 2
    assert abs(text_right - (article["x"] + article["width"])) < 2  # Arabic starts at the right
    assert text_left > article["x"] + 5 or text_right - text_left > article["width"] * 0.9
    # An English article in the Arabic interface starts at the left.
    page.goto(base + articles["en0"].get_absolute_url())
    article = page.locator("article.article").bounding_box()
    left = page.locator("h1.article__title").evaluate(
        "h => { const r = document.createRange(); r.selectNodeContents(h);"
        " return Math.min(...[...r.getClientRects()].map(x => x.left)); }"
    )
    assert abs(left - article["x"]) < 2
    # Related articles and the citation are there; the copy button works.
    expect(page.locator(".related__item")).not_to_have_count(0)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click(".copy-button")
    expect(page.locator(".copy-status")).to_have_text("نُسخ")


def test_timeline_bar_filters_to_its_period(page, live_archive):
    base, _ = live_archive
    page.goto(base + "/search/?q=" + quote("مساعدات"))
    total = page.locator(".results-count").inner_text()
    bars = page.locator("a.timeline__link")
    assert bars.count() >= 3
    label = bars.nth(0).get_attribute("aria-label")
    year = re.match(r"(\d{4})", label).group(1)
    with page.expect_navigation():
        bars.nth(0).click()
    query = params(page.url)
    assert query["from"] == [f"{year}-01-01"] and query["to"] == [f"{year}-12-31"]
    assert query["q"] == ["مساعدات"]
    assert page.locator(".results-count").inner_text() != total
    for value in page.locator(".result time").evaluate_all("els => els.map(e => e.dateTime)"):
        assert value.startswith(year)
    # Within one year the timeline drills down to months; a month bar narrows again and is
    # then marked as the current period.
    expect(page.locator(".timeline__title")).to_have_text("المقالات حسب الشهر")
    month = page.locator("a.timeline__link").first
    with page.expect_navigation():
        month.click()
    assert params(page.url)["from"][0].startswith(year)
    expect(page.locator("a.timeline__link[aria-current='true']")).to_have_count(1)
    # The chip of the period removes it.
    with page.expect_navigation():
        page.locator("a.chip[data-kind='from']").click()
    assert "from" not in params(page.url)


def test_phone_filters_are_collapsed_and_open_on_tap(page, live_archive):
    base, _ = live_archive
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(base + "/search/?q=" + quote("مساعدات"))
    filters = page.locator("details.filters")
    assert filters.evaluate("d => d.open") is False
    expect(page.locator("#facet-source")).to_be_hidden()
    page.click(".filters__summary")
    expect(page.locator("#facet-source")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    assert filters.evaluate("d => d.open") is True
