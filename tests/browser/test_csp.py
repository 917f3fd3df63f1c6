"""Chromium enforces the Content-Security-Policy: the reader's pages and the admin load with no
violation reported, and their scripts still work."""

from urllib.parse import quote

from playwright.sync_api import expect

from tests.browser.test_admin_flow import sign_in

# Runs before any page script on every page (injected by the browser, not subject to the
# page's policy) and reports each violation event to the test, across navigations.
LISTEN = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__reportViolation(location.pathname + ": " + event.violatedDirective + " " + event.blockedURI);
});
"""


def watch(page):
    """Violations as the console and the pages' events report them."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.expose_function("__reportViolation", lambda text: found.append(text))
    page.add_init_script(LISTEN)
    return found


def test_search_and_article_pages_load_with_no_violation_and_scripts_work(page, live_archive):
    base, articles = live_archive
    console = watch(page)

    page.goto(base + "/search/?q=" + quote("قافلة"))
    expect(page.locator("ol.results > li").first).to_be_visible()
    assert page.evaluate("document.documentElement.classList.contains('js')")
    assert page.locator(".timeline__tick").count() > 0
    # A ticked filter submits the search at once (arshif.js).
    first = page.locator("[data-filters] input[type=checkbox]").first
    with page.expect_navigation():
        first.check()
    assert "=" in page.url.split("?", 1)[1]
    assert console == []

    page.goto(f"{base}/articles/{articles['seed'].pk}/")
    copy = page.locator("[data-copy]")
    expect(copy).to_be_visible()  # shown by the script
    copy.click()
    expect(page.locator(".copy-status")).not_to_be_empty()
    page.goto(base + "/")
    expect(page.locator(".timeline")).to_be_visible()
    assert console == []

    # The watch itself works: a style attribute added by script is refused and reported.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<b style=\"color:red\">!</b>')")
    for _ in range(100):  # the report arrives asynchronously
        if console:
            break
        page.wait_for_timeout(50)
    assert any("style-src" in text for text in console), console


def test_the_admin_loads_with_no_violation(page, live_archive):
    """Django 5.2's admin has no inline script or style attribute either, so it runs under the
    same policy; the admin's own scripts (collapsible fieldsets, the date shortcuts) work."""
    base, articles = live_archive
    console = watch(page)
    sign_in(page, base)
    for path in (
        "/admin/",
        "/admin/archive/article/",
        f"/admin/archive/article/{articles['seed'].pk}/change/",
        "/admin/archive/article/upload/",
        "/admin/archive/importbatch/",
        "/admin/archive/article/add/",
    ):
        page.goto(base + path)
    # The calendar shortcut next to the date field is drawn by the admin's DateTimeShortcuts.js.
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert console == []


def test_the_404_page_loads_with_no_violation_and_leads_back_to_search(page, live_archive):
    base, _ = live_archive
    console = watch(page)
    response = page.goto(base + "/no-such-page/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("الصفحة غير موجودة")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.evaluate("document.documentElement.classList.contains('js')")  # arshif.js ran
    page.fill("#error-q", "قافلة")
    with page.expect_navigation():
        page.click(".error-page__search button")
    expect(page.locator("ol.results > li").first).to_be_visible()
    assert console == []
