"""A bulk import's records analysed ahead in a second process (archive.ingest.ahead): the rows it
stores are those the importer would store alone, whatever that process does or fails to do."""

import json
import os
from pathlib import Path

import pytest

from archive.ingest import ahead
from archive.ingest.service import Importer
from archive.models import Article
from search.entities import tagging

# Each names other places, so results handed to the wrong record would tag the wrong ones.
PLACES = ["دمشق", "حلب", "حمص", "بغداد", "الموصل", "بيروت", "غزة", "عمان"]


def write_records(folder: Path, count: int) -> Path:
    path = folder / "records.jsonl"
    lines = []
    for n in range(count):
        first, second = PLACES[n % len(PLACES)], PLACES[(n * 3 + 1) % len(PLACES)]
        body = (
            f"قال مراسلنا في {first} إن القصف تواصل لليوم {n + 2} على أحياء المدينة، "
            f"فيما نزحت عائلات كثيرة نحو {second} هربا من المعارك. وأضاف أن {first} "
            f"شهدت انقطاعا للكهرباء في التقرير رقم {n}."
        )
        record = {"title": f"تقرير رقم {n} من {first}", "body": body, "url": f"https://x.test/{n}"}
        lines.append(json.dumps(record, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def assert_stored_as_the_importer_would(count: int) -> None:
    """Every record stored once, with the hash, signature and mentions of its own text."""
    articles = list(Article.objects.order_by("pk"))
    assert [article.url for article in articles] == [f"https://x.test/{n}" for n in range(count)]
    for article in articles:
        assert article.content_hash == Article.hash_content(article.title, article.body)
        assert bytes(article.minhash) == Article.signature_of(article.shingles())
        mentions = {
            f"{kind}:{key}": n
            for kind, key, n in article.mentions.values_list("entity__kind", "entity__key", "count")
        }
        assert mentions == tagging.matcher().find(article.searchable_text())
        assert mentions  # every record names places


def import_ahead(path: Path) -> ahead.AnalysisAhead:
    with ahead.analysing_ahead() as other:
        report = Importer(cap_streamed=False).run_paths([path])
    assert not report.failed
    return other


@pytest.mark.django_db(transaction=True)
def test_records_analysed_in_another_process_are_stored_as_the_importer_would(
    tmp_path, monkeypatch
):
    from search.entities.matcher import EntityMatcher

    count = 2 * ahead.PART + 7  # three parts, the last one short
    path = write_records(tmp_path, count)
    analysed_here = []
    with ahead.analysing_ahead() as other:
        # Patched after the fork, in this process only: the importer analyses nothing itself.
        for owner, name in ((EntityMatcher, "find"), (Article, "hash_and_shingles")):
            monkeypatch.setattr(owner, name, lambda *args, name=name: analysed_here.append(name))
        report = Importer(cap_streamed=False).run_paths([path])
        monkeypatch.undo()
    assert not report.failed
    assert other.ran and not other.failed
    assert other.analysed == count
    assert analysed_here == []
    assert_stored_as_the_importer_would(count)


@pytest.mark.django_db(transaction=True)
def test_a_record_the_other_process_cannot_analyse_is_analysed_by_the_importer(
    tmp_path, monkeypatch
):
    analyse = ahead.analyse

    def failing_on_one(title, body, text):
        if title.startswith("تقرير رقم 3 "):
            raise ValueError("a bug in the analysis")
        return analyse(title, body, text)

    monkeypatch.setattr(ahead, "analyse", failing_on_one)  # the fork inherits it
    other = import_ahead(write_records(tmp_path, 6))
    assert not other.failed
    assert other.analysed == 5
    assert_stored_as_the_importer_would(6)


@pytest.mark.django_db(transaction=True)
def test_the_import_goes_on_when_the_other_process_dies(tmp_path, monkeypatch):
    analyse = ahead.analyse

    def dying_on_the_third(title, body, text):
        if title.startswith("تقرير رقم 2 "):
            os._exit(3)  # as if killed, out of memory
        return analyse(title, body, text)

    monkeypatch.setattr(ahead, "analyse", dying_on_the_third)
    count = ahead.PART + 5
    other = import_ahead(write_records(tmp_path, count))
    assert other.failed
    assert other.analysed == 2
    assert_stored_as_the_importer_would(count)


@pytest.mark.django_db(transaction=True)
def test_the_import_command_analyses_in_another_process(tmp_path, monkeypatch):
    from django.core.management import call_command

    analyse = ahead.analyse
    pids = tmp_path / "pids"

    def noting_the_process(title, body, text):
        with pids.open("a") as note:
            note.write(f"{os.getpid()}\n")
        return analyse(title, body, text)

    monkeypatch.setattr(ahead, "analyse", noting_the_process)
    call_command("import_articles", str(write_records(tmp_path, 4)), "--no-progress")
    analysed_by = set(pids.read_text().split())
    assert len(analysed_by) == 1 and str(os.getpid()) not in analysed_by
    assert_stored_as_the_importer_would(4)


@pytest.mark.django_db(transaction=True)
def test_a_dry_run_analyses_in_its_own_process(tmp_path, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr(ahead, "analyse", lambda *texts: pytest.fail("analysed in a fork"))
    call_command("import_articles", str(write_records(tmp_path, 3)), "--dry-run", "--no-progress")
    assert not Article.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_analyses_of_another_text_or_gazetteer_are_not_used(tmp_path):
    """What the importer takes from the other process is checked against what it stores."""
    from archive.ingest.records import article_from_record
    from archive.ingest.store import ArticleStore, OriginalFile

    lines = write_records(tmp_path, 3).read_text(encoding="utf-8").splitlines()
    parsed = [article_from_record(json.loads(line)) for line in lines]
    _, version = tagging.matcher_and_version()
    syria = {"place:syria": 9}  # none of the records names Syria

    def analysed(article, *, entities=syria, gazetteer=version, text=None, title=None):
        own_title, body, own_text = ahead.texts_of(article)
        content_hash, shingles = Article.hash_and_shingles(own_title, body)
        if title is not None:  # computed for another title: a hash no stored text has
            content_hash = "0" * 64
        signature = Article.signature_of(shingles)
        return ahead.Analysed(
            title or own_title, body, text or own_text, gazetteer, entities, content_hash, signature
        )

    analyses = [
        analysed(parsed[0], gazetteer=("an older gazetteer", None)),
        analysed(parsed[1], text="نص آخر"),
        analysed(
            parsed[2],
            title="عنوان آخر",
            entities=tagging.matcher().find(ahead.texts_of(parsed[2])[2]),
        ),
    ]
    store = ArticleStore()
    for n, (article, analysis) in enumerate(zip(parsed, analyses, strict=True)):
        original = OriginalFile(f"records.jsonl#line-{n + 1}", lines[n].encode(), "jsonl")
        store.store(article, original, n + 1, analysed=analysis)
    assert not Article.objects.filter(mentions__entity__key="syria").exists()
    assert not Article.objects.filter(content_hash="0" * 64).exists()
    assert_stored_as_the_importer_would(3)
