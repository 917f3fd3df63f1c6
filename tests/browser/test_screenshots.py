"""Screenshots of the main pages in both languages, at desktop and phone widths.

They are written to $ARSHIF_SCREENSHOTS (or the test's temporary directory) for a person to look
at; the test checks only what a screenshot would make obvious: nothing overflows the page width.
"""

import os
from pathlib import Path
from urllib.parse import quote

import pytest

WIDTHS = {"desktop": 1280, "phone": 375}


@pytest.fixture
def shots_dir(tmp_path) -> Path:
    directory = Path(os.environ.get("ARSHIF_SCREENSHOTS") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def set_language(page, base, code):
    page.goto(base + "/")
    button = page.locator(f".language-switch button[value='{code}']")
    if button.count():
        button.click()
        page.wait_for_load_state()


def test_screenshots_of_home_results_and_article(page, live_archive, shots_dir):
    base, articles = live_archive
    paths = {
        "home": "/",
        "results": "/search/?q=" + quote("مساعدات") + "&source=" + quote("وكالة-الأنباء"),
        "browse": "/search/",
        "empty": "/search/?q=" + quote("مساعدت") + "&year=2015",
        "article": articles["seed"].get_absolute_url(),
        "article-en": articles["en0"].get_absolute_url(),
    }
    if articles.get("entity") is not None:
        paths["entity"] = articles["entity"].get_absolute_url()
    for language in ("ar", "en"):
        set_language(page, base, language)
        for width_name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in paths.items():
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.evaluate("document.fonts.ready")
                page.screenshot(
                    path=str(shots_dir / f"{name}-{language}-{width_name}.png"), full_page=True
                )
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"{path} ({language}, {width}px) is {overflow}px too wide"
