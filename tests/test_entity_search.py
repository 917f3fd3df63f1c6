"""Places, people and organisations: tagging at import, facets, alias-aware search, pages."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from archive.models import Article
from search.models import Entity, Mention
from tests.conftest import SEED

SEED_ENTITIES = {
    "place": {
        "washington",
        "syria",
        "iraq",
        "turkey",
        "lebanon",
        "libya",
        "nigeria",
        "mosul",
        "raqqa",
        "brussels",
        "rabat",
        "munich",
        "united-states",
        "europe",
    },
    # The seed's photo credit (أ.ف.ب.), which the pure tagger finds, is not article text.
    "org": {"isis", "global-coalition", "sdf", "us-state-department"},
    "person": {
        "mike-pompeo",
        "donald-trump",
        "recep-tayyip-erdogan",
        "vladimir-putin",
        "florence-parly",
        "abu-bakr-al-baghdadi",
    },
}


@pytest.fixture
def seed(db):
    call_command("import_articles", str(SEED), stdout=StringIO(), stderr=StringIO())
    return Article.objects.get()


def tagged(article) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for mention in article.mentions.select_related("entity"):
        result.setdefault(mention.entity.kind, set()).add(mention.entity.key)
    return result


def test_seed_is_tagged_at_import_with_its_entities_and_no_others(seed):
    assert tagged(seed) == SEED_ENTITIES
    counts = {m.entity.key: m.count for m in seed.mentions.select_related("entity")}
    assert counts["isis"] > 10
    assert counts["raqqa"] == 1


def test_article_api_lists_entities_with_labels(client, seed):
    data = client.get(f"/api/articles/{seed.pk}").json()
    entities = {(e["kind"], e["value"]): e["label"] for e in data["entities"]}
    assert entities[("place", "raqqa")] == "الرقة"
    assert entities[("org", "sdf")] == "قوات سوريا الديمقراطية"
    assert len(entities) == sum(len(keys) for keys in SEED_ENTITIES.values())


def test_entity_facets_count_articles_and_filter(client, seed, make_article, indexed):
    make_article("زيارة إلى دمشق", ["وصل الوفد إلى دمشق ثم إلى بيروت في لبنان."])
    indexed()
    data = client.get("/api/search").json()
    places = {f["value"]: (f["label"], f["count"]) for f in data["facets"]["place"]}
    assert places["lebanon"] == ("لبنان", 2)
    assert places["raqqa"] == ("الرقة", 1)
    assert places["damascus"] == ("دمشق", 1)
    people = {f["value"] for f in data["facets"]["person"]}
    assert "donald-trump" in people
    # Filtering by an entity, from the database and through the index.
    assert client.get("/api/search", {"place": "damascus"}).json()["count"] == 1
    assert client.get("/api/search", {"place": ["damascus", "raqqa"]}).json()["count"] == 2
    found = client.get("/api/search", {"q": "لبنان", "place": "raqqa"}).json()
    assert [r["id"] for r in found["results"]] == [seed.pk]


def test_entity_labels_follow_the_interface_language(client, seed):
    client.cookies["django_language"] = "en"
    data = client.get("/api/search", HTTP_ACCEPT_LANGUAGE="en").json()
    places = {f["value"]: f["label"] for f in data["facets"]["place"]}
    assert places["raqqa"] == "Raqqa"


@pytest.fixture
def variants(make_article, indexed):
    articles = {
        "syria": make_article("تقرير من سورية", ["الأوضاع في سورية تزداد سوءاً."]),
        "trump": make_article("خطاب ترمب", ["قال الرئيس ترمب إن القوات ستنسحب."]),
        "isis": make_article("هجوم جديد", ["تبنى تنظيم الدولة الإسلامية الهجوم على القرية."]),
        "sdf": make_article("معارك شرق الفرات", ["تقدمت قوات سوريا الديمقراطية نحو البلدة."]),
        "raqqa": make_article(
            "Fighting near Raqqa", ["Residents fled Raqqa as the fighting grew."], language="en"
        ),
        "isis_en": make_article(
            "Coalition strikes", ["The coalition struck ISIS positions overnight."], language="en"
        ),
    }
    indexed()
    return articles


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("سوريا", "syria"),
        ("ترامب", "trump"),
        ("داعش", "isis"),
        ("قسد", "sdf"),
        ("ISIS", "isis"),
        ("الرقة", "raqqa"),
        ("Syria", "syria"),
    ],
)
def test_a_name_finds_articles_using_another_name_of_the_same_entity(
    client, variants, query, expected
):
    found = client.get("/api/search", {"q": query}).json()
    assert variants[expected].pk in [r["id"] for r in found["results"]], (query, found)


def test_isis_finds_arabic_and_english_coverage(client, variants):
    found = client.get("/api/search", {"q": "ISIS"}).json()
    ids = {r["id"] for r in found["results"]}
    assert {variants["isis"].pk, variants["isis_en"].pk} <= ids


def test_alias_match_is_highlighted_in_the_snippet(client, variants):
    found = client.get("/api/search", {"q": "قسد"}).json()
    snippet = next(r["snippet"] for r in found["results"] if r["id"] == variants["sdf"].pk)
    assert "<mark>قوات سوريا الديمقراطية</mark>" in snippet


def test_literal_words_rank_before_aliases(client, make_article, indexed):
    alias_only = make_article(
        "خطاب الرئيس", ["قال ترمب إن القوات ستنسحب."], published=date(2020, 1, 2)
    )
    literal = make_article(
        "مقابلة", ["قال ترامب في مقابلة إنه سيلتقي الحلفاء."], published=date(2019, 1, 1)
    )
    indexed()
    found = client.get("/api/search", {"q": "ترامب"}).json()
    assert [r["id"] for r in found["results"]] == [literal.pk, alias_only.pk]


def test_retag_command_applies_gazetteer_changes(db, make_article, indexed, client):
    article = make_article("خبر", ["زار الوفد بلدة الكرامة الصغيرة."])
    assert not article.mentions.exists()
    Entity.objects.create(kind="place", key="karama", name_ar="الكرامة", name_en="Karama")
    out = StringIO()
    call_command("retag_articles", stdout=out)
    assert "1 changed" in out.getvalue()
    assert article.mentions.get().entity.key == "karama"
    assert client.get("/api/search", {"place": "karama"}).json()["count"] == 1


def test_admin_edit_of_an_entity_retags_articles(admin_client, make_article, indexed, client):
    article = make_article("وصول الوفد", ["وصل الوفد إلى منطقة الكرامة الحدودية."])
    indexed()
    entity = Entity.objects.create(kind="place", key="karama", name_ar="كرامه", name_en="Karama")
    response = admin_client.post(
        f"/admin/search/entity/{entity.pk}/change/",
        {
            "kind": "place",
            "key": "karama",
            "name_ar": "كرامه",
            "name_en": "Karama",
            "aliases": "الكرامة\nKarameh",
        },
        follow=True,
    )
    assert response.status_code == 200
    # The request only queued the re-tagging; the worker runs it (tests/test_entity_retag.py).
    from archive import jobs

    assert jobs.run_next_job() is True
    assert Mention.objects.filter(article=article, entity=entity).exists()
    indexed()
    found = client.get("/api/search", {"place": "karama", "q": "الوفد"}).json()
    assert [r["id"] for r in found["results"]] == [article.pk]


def test_entity_page_shows_names_counts_timeline_and_companions(
    client, seed, make_article, indexed
):
    make_article(
        "عودة إلى الرقة", ["عاد السكان إلى الرقة بعد المعارك."], published=date(2018, 5, 1)
    )
    indexed()
    response = client.get("/entities/place/raqqa/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "الرقة" in html and "Raqqa" in html
    assert "عودة إلى الرقة" in html and seed.title in html
    assert "/entities/org/isis/" in html  # named with it in the seed
    assert "timeline" in html and "to=2018-05-31" in html  # a bar links to its period
    assert client.get("/entities/place/atlantis/").status_code == 404


def test_load_gazetteer_is_idempotent_and_keeps_admin_aliases(db):
    syria = Entity.objects.get(kind="place", key="syria")
    syria.aliases += "\nالقطر العربي السوري"
    syria.save()
    out = StringIO()
    call_command("load_gazetteer", stdout=out)
    assert "0 entities created" in out.getvalue()
    assert "القطر العربي السوري" in Entity.objects.get(pk=syria.pk).aliases


def test_article_page_links_its_entities(client, seed):
    html = client.get(f"/articles/{seed.pk}/").content.decode()
    assert 'href="/entities/place/raqqa/"' in html
    assert 'href="/entities/person/donald-trump/"' in html


def test_load_gazetteer_dry_run_says_what_it_would_do_and_changes_nothing(db):
    Entity.objects.get(kind="place", key="syria").delete()
    total = Entity.objects.count()
    out = StringIO()
    call_command("load_gazetteer", "--dry-run", stdout=out)
    assert out.getvalue().strip() == (
        f"dry run: gazetteer: 1 entities would be created, 0 updated, {total + 1} in all; "
        "nothing was changed"
    )
    assert Entity.objects.count() == total
    assert not Entity.objects.filter(kind="place", key="syria").exists()


def test_an_entity_deleted_by_another_process_is_not_tagged_on_a_new_article(db, make_article):
    from search.entities import tagging

    karama = Entity.objects.create(kind="place", key="karama", name_ar="الكرامة", name_en="Karama")
    tagging.invalidate()
    tagging.matcher()  # this process's matcher knows الكرامة for up to RECHECK_SECONDS
    # Deleted elsewhere: no signal here tells this process's matcher.
    Entity.objects.filter(pk=karama.pk)._raw_delete(Entity.objects.db)
    article = make_article("خبر", ["زار الوفد بلدة الكرامة والموصل."])
    mosul = Entity.objects.get(key="mosul").pk
    assert list(Mention.objects.filter(article=article).values_list("entity_id", flat=True)) == [
        mosul
    ]
