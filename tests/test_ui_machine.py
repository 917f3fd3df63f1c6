"""Documents for machines: OpenSearch description, sitemap, robots.txt."""

import xml.etree.ElementTree as ET

import pytest

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def test_opensearch_description(client, db):
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert root.find(f"{OPENSEARCH}ShortName").text
    templates = {url.get("type"): url.get("template") for url in root.findall(f"{OPENSEARCH}Url")}
    assert templates["text/html"].startswith("http://testserver/search/?q={searchTerms}")
    assert templates["application/atom+xml"] == "http://testserver/search/feed.atom?q={searchTerms}"
    assert "/api/search?q={searchTerms}" in templates["application/json"]


def test_opensearch_page_parameter_may_be_left_empty(client, db):
    assert client.get("/search/?q=x&page=").status_code == 200


@pytest.fixture
def articles(make_article):
    return [make_article(f"مقال {n}") for n in range(3)]


def test_sitemap_index_and_sections_list_home_and_every_article(client, articles):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert "http://testserver/sitemap-home.xml" in sections
    assert "http://testserver/sitemap-articles.xml" in sections
    home = ET.fromstring(client.get("/sitemap-home.xml").content)
    assert [loc.text for loc in home.iter(f"{SITEMAP}loc")] == ["http://testserver/"]
    listed = ET.fromstring(client.get("/sitemap-articles.xml").content)
    urls = {loc.text for loc in listed.iter(f"{SITEMAP}loc")}
    assert urls == {f"http://testserver{a.get_absolute_url()}" for a in articles}
    assert len(list(listed.iter(f"{SITEMAP}lastmod"))) == 3


def test_sitemap_pages_when_long(client, articles, monkeypatch):
    from search.web.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert "http://testserver/sitemap-articles.xml?p=2" in sections
    second = ET.fromstring(client.get("/sitemap-articles.xml?p=2").content)
    assert len(list(second.iter(f"{SITEMAP}url"))) == 1


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin_api_and_exports(
    client, db
):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for path in ("/admin/", "/api/", "/search/"):
        assert f"Disallow: {path}" in lines
    assert "Allow: /articles/" in lines
