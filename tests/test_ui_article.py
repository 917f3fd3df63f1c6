"""The article page's reading aids: related articles, entity chips, citation."""

import re
from datetime import date

import pytest

from search.related import by_rarity, distinctive_words, related_articles


@pytest.fixture
def archive(make_article, indexed):
    made = {
        "convoy": make_article(
            "قافلة مساعدات أممية تصل إلى حلب المحاصرة",
            [
                "وصلت قافلة مساعدات أممية إلى أحياء حلب الشرقية المحاصرة، وقال مسؤول إن القافلة "
                "تحمل غذاء ودواء.",
                "وتعاني أحياء حلب من نقص حاد في الغذاء والدواء منذ بدء الحصار.",
            ],
            source="وكالة الأنباء",
            published=date(2016, 10, 3),
        ),
        "similar": make_article(
            "قافلة ثانية من المساعدات تدخل حلب",
            ["دخلت قافلة مساعدات ثانية إلى حلب المحاصرة محمّلة بالغذاء والدواء."],
            published=date(2016, 11, 1),
        ),
        "loosely": make_article(
            "نقص الدواء في المستشفيات",
            ["تعاني المستشفيات نقصًا في الدواء."],
        ),
        "unrelated": make_article(
            "الانتخابات البلدية في تونس",
            ["أدلى الناخبون بأصواتهم في الانتخابات البلدية."],
        ),
    }
    indexed()
    return made


def test_distinctive_words_prefer_title_words_and_skip_common_ones(archive):
    words = distinctive_words(archive["convoy"])
    assert words[0] in {"حلب", "قافله", "مساعدات"}
    assert "قال" not in words and "وقال" not in words
    assert len(words) <= 12


def test_related_articles_rank_the_most_similar_first_and_exclude_the_article(archive):
    related = related_articles(archive["convoy"])
    assert related[0] == archive["similar"]
    assert archive["convoy"] not in related
    assert archive["unrelated"] not in related


def test_article_page_shows_related_articles_and_a_citation(client, archive):
    article = archive["convoy"]
    html = client.get(f"/articles/{article.pk}/").content.decode()
    related = html.split('class="aside-block related"')[1]
    assert archive["similar"].title in related
    assert re.search(r'<li class="related__item" lang="ar" dir="rtl">', related)
    citation = re.search(r'<p class="citation__text" id="citation-text">(.*?)</p>', html, re.S)
    text = re.sub(r"<[^>]+>", "", citation.group(1))
    assert article.title in text
    assert "وكالة الأنباء" in text
    assert "3 أكتوبر 2016" in text
    assert f"http://testserver/articles/{article.pk}/" in text
    assert text.startswith("«")
    # The copy button needs JavaScript: hidden until the script shows it.
    assert re.search(
        r'<button type="button" class="button-secondary copy-button" [^>]*hidden>', html
    )
    assert f'<link rel="canonical" href="http://testserver/articles/{article.pk}/">' in html


def test_article_page_renders_entity_chips_from_context(client, archive, monkeypatch):
    from search.web import articles as views

    original = views.render

    def with_entities(request, template, context, *args, **kwargs):
        context["entities"] = [
            {"kind": "place", "value": "حلب", "label": "حلب", "url": "/search/?place=حلب"},
            {"kind": "person", "value": "x", "label": "Staffan de Mistura", "url": "/p/x"},
            {"kind": "place", "value": "دمشق", "label": "دمشق", "url": "/search/?place=دمشق"},
        ]
        return original(request, template, context, *args, **kwargs)

    monkeypatch.setattr(views, "render", with_entities)
    html = client.get(f"/articles/{archive['convoy'].pk}/").content.decode()
    block = html.split('class="aside-block entities"')[1].split("</section>")[0]
    assert "أماكن" in block or "Places" in block
    assert block.count("entity-chip--place") == 2
    assert (
        '<a class="entity-chip entity-chip--person" href="/p/x"><bdi>Staffan de Mistura</bdi></a>'
        in block
    )


def test_article_page_without_entities_or_related_still_renders(client, make_article):
    article = make_article("وحيد", ["نص فريد لا يشبه شيئا"])
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert "entities" not in html.split("<main")[1].split('class="article-aside"')[0]
    assert 'class="aside-block related"' not in html


def test_print_stylesheet_hides_navigation_and_keeps_the_citation():
    from pathlib import Path

    css = (Path(__file__).resolve().parent.parent / "static" / "css" / "arshif.css").read_text()
    printed = css.split("@media print")[1]
    for selector in (".site-header", ".sidebar", ".related", ".copy-button"):
        assert selector in printed.split("display: none")[0]
    assert ".citation__text" in printed


def test_related_words_are_weighed_by_rarity_and_skip_words_no_other_article_or_too_many_hold():
    weights = {"عام": 5, "حلب": 3, "قافله": 3, "وحيد": 9, "نادر": 1}
    # In an archive of 1,000 articles: "عام" in 600 (over the 5% ceiling), "وحيد" in this
    # article alone; of the same use, the rarer word first.
    frequencies = {"عام": 600, "حلب": 40, "قافله": 4, "وحيد": 1, "نادر": 2}
    assert by_rarity(weights, frequencies, 1000) == ["قافله", "حلب", "نادر"]
    # A small archive keeps words up to MIN_CEILING articles, whatever their share.
    assert by_rarity({"حلب": 1}, {"حلب": 15}, 20) == ["حلب"]
