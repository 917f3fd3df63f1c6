"""manage.py sync_index: the index brought back in line with the database, whatever drifted."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from search.analysis import ANALYSIS_VERSION
from search.engine import get_engine
from search.engine.whoosh.backend import ANALYSIS_VERSION_FILE
from search.models import IndexTask

pytestmark = pytest.mark.django_db


def sync(*args) -> list[str]:
    out = StringIO()
    call_command("sync_index", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def found(client, q) -> list[int]:
    return [hit["id"] for hit in client.get("/api/search", {"q": q}).json()["results"]]


def test_an_article_the_index_never_heard_of_is_indexed(client, make_article):
    article = make_article("تقرير عن قافلة المساعدات")
    IndexTask.objects.all().delete()  # its change was lost before the writer saw it
    assert found(client, "قافلة") == []
    assert sync() == [
        "re-indexing all 1 articles",
        "index up to date: 1 changes applied, 1 of 1 articles searchable",
    ]
    assert found(client, "قافلة") == [article.pk]


def test_an_article_deleted_behind_the_index_s_back_is_removed(client, make_article, indexed):
    kept = make_article("بيان عن الهدنة في المدينة")
    gone = make_article("بيان عن الهدنة في الريف")
    indexed()
    gone.delete()
    IndexTask.objects.all().delete()  # the deletion never reached the index
    # The index still counts a match the database no longer has.
    assert client.get("/api/search", {"q": "الريف"}).json()["count"] == 1
    lines = sync()
    assert lines[0] == "index emptied: re-indexing all 1 articles"
    assert lines[-1] == "index up to date: 1 changes applied, 1 of 1 articles searchable"
    assert client.get("/api/search", {"q": "الريف"}).json()["count"] == 0
    assert found(client, "الهدنة") == [kept.pk]


def test_rebuild_empties_and_rebuilds_an_index_in_step(client, make_article, indexed):
    article = make_article("مقال عن المعبر الحدودي")
    indexed()
    assert sync() == ["index up to date: 0 changes applied, 1 of 1 articles searchable"]
    assert sync("--rebuild") == [
        "index emptied: re-indexing all 1 articles",
        "index up to date: 1 changes applied, 1 of 1 articles searchable",
    ]
    assert found(client, "المعبر") == [article.pk]


@pytest.mark.parametrize("recorded", [None, ANALYSIS_VERSION - 1])
def test_an_index_built_with_another_analysis_is_rebuilt(client, make_article, indexed, recorded):
    article = make_article("قصف بالصواريخ على المدن")
    other = make_article("مقال عن المعبر الحدودي")
    indexed()
    # As an index built before broken plurals were indexed with their singulars: its version
    # was not recorded (or was an earlier one), and صواريخ lacks the term of صاروخ.
    engine = get_engine()
    version_file = Path(engine.path) / ANALYSIS_VERSION_FILE
    if recorded is None:
        version_file.unlink()
        built = "an unrecorded version"
    else:
        version_file.write_text(f"{recorded}\n")
        built = f"version {recorded}"
    assert engine.analysis_version() == recorded
    assert sync() == [
        f"the index was built with {built} of the text analysis, "
        f"this is version {ANALYSIS_VERSION}: rebuilding it",
        "index emptied: re-indexing all 2 articles",
        "index up to date: 2 changes applied, 2 of 2 articles searchable",
    ]
    assert engine.analysis_version() == ANALYSIS_VERSION
    assert found(client, "صاروخ") == [article.pk]
    assert found(client, "المعبر") == [other.pk]
    # Now in step: nothing to do.
    assert sync() == ["index up to date: 0 changes applied, 2 of 2 articles searchable"]
