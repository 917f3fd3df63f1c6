"""The index follows every edit that changes what an article's document holds, not only edits
of the article itself: a source's slug, a tag's name, an entity's key, deleting a tag or an
entity, and mentions written after the article's own change was already applied."""

import pytest
from django.db.models.signals import post_save

from archive.models import Article, Source, Tag
from search.entities.signals import tag_saved_article
from search.models import Entity


def facet(client, name, **params) -> dict[str, int]:
    data = client.get("/api/search", {"q": "الهدنة", **params}).json()
    return {value["value"]: value["count"] for value in data["facets"][name]}


def count(client, **params) -> int:
    return client.get("/api/search", {"q": "الهدنة", **params}).json()["count"]


@pytest.mark.django_db
def test_renaming_a_source_slug_reaches_the_index(client, make_article, indexed):
    make_article("إعلان الهدنة في المدينة", source="وكالة الشرق")
    indexed()
    source = Source.objects.get()
    old = source.slug
    source.slug = "east-agency"
    source.save()
    indexed()
    assert facet(client, "source") == {"east-agency": 1}
    assert count(client, source="east-agency") == 1
    assert count(client, source=old) == 0


@pytest.mark.django_db
def test_editing_a_source_without_renaming_it_queues_nothing(make_article, indexed):
    make_article("إعلان الهدنة في المدينة", source="وكالة الشرق")
    indexed()
    source = Source.objects.get()
    source.homepage = "https://example.org/"
    source.save()
    assert indexed() == 0


@pytest.mark.django_db
def test_renaming_and_deleting_a_tag_reach_the_index(client, make_article, indexed):
    make_article("إعلان الهدنة في المدينة", tags=["هدنة"])
    make_article("خرق الهدنة في الريف", tags=["هدنة", "خروقات"])
    indexed()
    tag = Tag.objects.get(name="هدنة")
    tag.name = "وقف إطلاق النار"
    tag.save()
    indexed()
    assert facet(client, "tag") == {"وقف إطلاق النار": 2, "خروقات": 1}
    Tag.objects.get(name="خروقات").delete()
    indexed()
    assert facet(client, "tag") == {"وقف إطلاق النار": 2}
    assert count(client, tag="خروقات") == 0


@pytest.mark.django_db
def test_deleting_or_rekeying_an_entity_reaches_the_index(client, make_article, indexed):
    make_article("إعلان الهدنة في حلب")
    indexed()
    assert "aleppo" in facet(client, "place")
    aleppo = Entity.objects.get(kind="place", key="aleppo")
    aleppo.key = "halab"
    aleppo.save()
    indexed()
    places = facet(client, "place")
    assert "halab" in places and "aleppo" not in places
    Entity.objects.get(kind="place", key="halab").delete()
    indexed()
    assert "halab" not in facet(client, "place")
    assert count(client, place="halab") == 0


@pytest.mark.django_db(transaction=True)
def test_mentions_written_after_the_article_was_indexed_are_indexed_too(
    client, make_article, indexed
):
    """Outside a transaction the article's queued change commits before its mentions: a writer
    applying the queue in between indexes it without them. It is queued again after them."""
    post_save.disconnect(tag_saved_article, sender=Article, dispatch_uid="tag-article-entities")

    def writer_runs_now(sender, instance, **kwargs):
        indexed()

    post_save.connect(writer_runs_now, sender=Article, dispatch_uid="writer-runs-now")
    post_save.connect(tag_saved_article, sender=Article, dispatch_uid="tag-article-entities")
    try:
        make_article("إعلان الهدنة في حلب")
    finally:
        post_save.disconnect(sender=Article, dispatch_uid="writer-runs-now")
    indexed()
    assert facet(client, "place").get("aleppo") == 1
