"""Browser tests: Debian's Chromium driven by Playwright against a real gunicorn.

Without Chromium (or the playwright package) these tests are skipped, loudly; with
ARSHIF_REQUIRE_BROWSER=1 (set by .ci/run) a missing browser is a failure instead.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import warnings
from datetime import date
from io import StringIO
from pathlib import Path

import pytest

from tests.conftest import SEED
from tests.processes import ROOT, serve_gunicorn

CHROMIUM = os.environ.get("ARSHIF_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Where `make test` installs axe-core (npm, into the git-ignored virtualenv), or $ARSHIF_AXE.
AXE_PATHS = [
    Path(os.environ.get("ARSHIF_AXE") or ROOT / ".venv" / "axe" / "node_modules" / "axe-core")
    / "axe.min.js",
    ROOT / "node_modules" / "axe-core" / "axe.min.js",
]


def _required() -> bool:
    return os.environ.get("ARSHIF_REQUIRE_BROWSER", "").lower() in {"1", "true", "yes"}


def _missing(reason: str):
    message = f"BROWSER TESTS NOT RUN: {reason}"
    if _required():
        pytest.fail(f"{message} (ARSHIF_REQUIRE_BROWSER is set)", pytrace=False)
    warnings.warn(message, stacklevel=2)
    print(f"\nWARNING: {message}", file=sys.stderr)
    pytest.skip(message)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def playwright_api(monkeypatch):
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _missing(f"no Chromium at {CHROMIUM} (apt-get install -y --no-install-recommends chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -r requirements-dev.txt)")
    # Playwright's sync API runs an event loop in this thread; Django's database calls made by
    # the test itself (fixtures, checks) are still synchronous, so allow them for this test.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    api = sync_playwright().start()
    yield api
    api.stop()


@pytest.fixture
def browser_context(playwright_api):
    """A fresh Chromium profile per test (no cookies, no cache, no language remembered)."""
    profile = tempfile.mkdtemp(prefix="arshif-chromium-")
    context = playwright_api.chromium.launch_persistent_context(
        profile,
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        locale="ar",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    try:
        yield context
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser_context):
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture(scope="session")
def axe_script() -> str:
    for path in AXE_PATHS:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    _missing("axe-core is not installed (make test runs npm install axe-core)")


def build_archive(make_article) -> dict:
    """The seed article plus a small archive across years, sources and both languages."""
    from django.core.management import call_command
    from django.db.models import Count

    from archive.models import Article

    call_command("import_articles", str(SEED), stdout=StringIO(), stderr=StringIO())
    seed = Article.objects.get()
    made = {"seed": seed}
    places = ["حلب", "إدلب", "الموصل", "الرقة", "دير الزور", "عرسال"]
    for number in range(24):
        year = 2014 + number % 7
        place = places[number % len(places)]
        made[f"ar{number}"] = make_article(
            f"تقرير {number + 1} عن الأوضاع الإنسانية في {place}",
            [
                f"وصلت قافلة مساعدات إلى {place} بعد أسابيع من الحصار، وقال مسؤولون إن "
                "الاحتياجات ما زالت كبيرة مع اقتراب الشتاء.",
                f"وتحدث سكان {place} عن نقص الوقود والدواء، فيما دعت منظمات إغاثة إلى ممر آمن.",
            ],
            source=["وكالة الأنباء", "اندبندنت عربية", "مراسلون"][number % 3],
            section=["سياسة", "دوليات", "إنساني"][number % 3],
            published=date(year, 1 + number % 12, 1 + number % 27),
            tags=["مساعدات"] if number % 2 else [],
        )
    for number in range(3):
        made[f"en{number}"] = make_article(
            f"Aid convoy reaches Aleppo, report {number + 1}",
            [
                "A United Nations convoy reached the city after weeks of negotiation, "
                "officials said, as winter approached.",
            ],
            source="Example Wire",
            section="World",
            language="en",
            published=date(2019, 3 + number, 10),
        )
    from search.models import Entity

    # The most-named place (the gazetteer tags articles as they are saved), for entity pages.
    made["entity"] = (
        Entity.objects.filter(kind="place", mentions__isnull=False)
        .annotate(n=Count("mentions"))
        .order_by("-n", "key")
        .first()
    )
    return made


@pytest.fixture
def live_archive(transactional_db, make_article, indexed):
    """(base URL, articles): the archive above, served by a real gunicorn with static files."""
    from django.db import connection

    articles = build_archive(make_article)
    indexed()
    connection.close()
    with serve_gunicorn() as base:
        yield base, articles
