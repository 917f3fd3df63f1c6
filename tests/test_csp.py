"""The Content-Security-Policy: on every page, and nothing of ours that it would refuse."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POLICY_PARTS = ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'")


@pytest.fixture
def archive(make_article, indexed):
    article = make_article(
        "قافلة مساعدات تصل إلى حلب",
        ["وصلت قافلة مساعدات إلى حلب بعد أسابيع من الحصار."],
        source="وكالة الأنباء",
        section="إنساني",
        tags=["مساعدات"],
    )
    indexed()
    from search.models import Entity

    entity = Entity.objects.filter(mentions__article=article).first()
    return article, entity


def public_paths(article, entity):
    return [
        "/",
        "/search/?q=حلب",
        "/search/?q=حلب&source=وكالة-الأنباء&sort=newest",
        f"/articles/{article.pk}/",
        f"/entities/{entity.kind}/{entity.key}/",
        "/search/feed.atom?q=حلب",
        "/search/export.csv?q=حلب",
        "/search/export.jsonl?q=حلب",
        "/api/search?q=حلب",
        f"/api/articles/{article.pk}",
        "/opensearch.xml",
        "/robots.txt",
        "/sitemap.xml",
        "/articles/999999/",  # the 404 page too
        "/admin/login/",
    ]


def test_every_page_sends_the_policy(client, archive):
    for path in public_paths(*archive):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        policy = response.get("Content-Security-Policy", "")
        for part in POLICY_PARTS:
            assert part in policy, (path, policy)


def test_the_admin_sends_the_same_policy(admin_client, archive):
    article, _ = archive
    for path in (
        "/admin/",
        "/admin/archive/article/",
        f"/admin/archive/article/{article.pk}/change/",
    ):
        response = admin_client.get(path)
        assert response.status_code == 200
        assert "style-src 'self';" in response["Content-Security-Policy"], path


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(?!\s*</script>)", re.I), "inline <script>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def our_files():
    for folder, patterns in (("templates", ["**/*.html", "**/*.xml"]), ("static/js", ["*.js"])):
        for pattern in patterns:
            yield from (ROOT / folder).glob(pattern)
    for package in ("archive", "search", "arshif"):
        yield from (p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def test_no_inline_script_style_or_handler_in_our_templates_and_code():
    found = []
    for path in our_files():
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            # Only markup we build: strings passed to format_html / format_html_join.
            text = "\n".join(re.findall(r"format_html(?:_join)?\((.*?)\)", text, re.S))
        if path.suffix == ".js":
            # Script may not write markup with inline handlers or styles either.
            text = "\n".join(re.findall(r"innerHTML\s*=\s*(.*)", text))
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(ROOT)}: {what}: {match.group(0)!r}")
    assert found == []


def test_the_refusal_pages_send_the_policy_too(admin_client, settings):
    # The upload size refusal answers before most middleware runs: it must still carry it.
    settings.ARCHIVE_UPLOAD_MAX_BYTES = 1024
    response = admin_client.post("/admin/archive/article/upload/", {"source": "x" * 5000})
    assert response.status_code == 413
    for part in POLICY_PARTS:
        assert part in response.get("Content-Security-Policy", ""), part
