"""axe-core on every reader page, in both interface languages: no serious or critical issue."""

from urllib.parse import quote

import pytest

BLOCKING = {"serious", "critical"}


def axe_violations(page, axe_script):
    # Evaluated by the browser itself: a <script> tag with the code inline is refused by the
    # pages' Content-Security-Policy, as it should be.
    page.evaluate(axe_script + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['impact']}: {violation['id']} — {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['failureSummary'].splitlines()[-1]}")
    return "\n".join(lines)


@pytest.mark.parametrize("language", ["ar", "en"])
def test_reader_pages_have_no_serious_accessibility_violations(
    page, live_archive, axe_script, language
):
    base, articles = live_archive
    page.goto(base + "/")
    if language != "ar":
        with page.expect_navigation():
            page.click(f".language-switch button[value='{language}']")
    paths = [
        "/",
        "/search/?q=" + quote("مساعدات") + "&source=" + quote("مراسلون"),
        "/search/",
        "/search/?q=" + quote("مساعدت") + "&year=2015",
        articles["seed"].get_absolute_url(),
        articles["en0"].get_absolute_url(),
    ]
    if articles.get("entity") is not None:
        paths.append(articles["entity"].get_absolute_url())
    found = {}
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            page.goto(base + path)
            assert page.evaluate("document.documentElement.lang") == language
            violations = axe_violations(page, axe_script)
            if violations:
                found[f"{path} @{width}px"] = describe(violations)
    assert not found, "\n".join(f"{where}\n{text}" for where, text in found.items())
