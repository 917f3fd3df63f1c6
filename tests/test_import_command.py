"""manage.py import_articles: formats, idempotency, failures, exit status and summary."""

import json
import os
import shutil
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive import rows
from archive.models import Article, Original
from tests.conftest import DATA, SEED

JSONL = DATA / "records" / "articles.jsonl"


def run_import(*paths, **options):
    """Run the command like a user would; return (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *map(str, paths), stdout=out, stderr=err, **options)
        status = 0
    except CommandError as error:
        status = error.returncode
        err.write(str(error))
    return status, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_jsonl_imports_every_record_and_second_run_skips_them_all():
    status, out, _ = run_import(JSONL)
    assert status == 0
    assert out.strip().splitlines()[-1] == "imported 3, updated 0, skipped 0, failed 0"
    assert Article.objects.count() == 3

    status, out, _ = run_import(JSONL)
    assert status == 0
    assert out.strip().splitlines()[-1] == "imported 0, updated 0, skipped 3, failed 0"
    assert Article.objects.count() == 3


@pytest.mark.django_db
def test_jsonl_fields_are_stored_as_given():
    run_import(JSONL)
    article = Article.objects.get(url="https://example.org/en/2019/02/coalition")
    assert article.title == "Coalition ministers meet in Washington"
    assert article.source.name == "Example Wire"
    assert article.section == "World"
    assert article.published.isoformat() == "2019-02-06"
    assert article.language == "en"
    assert [b["kind"] for b in article.blocks] == ["paragraph", "paragraph"]
    assert list(article.tags.values_list("name", flat=True)) == ["ISIS"]
    # Its original is its own line, as it arrived (no blob of the whole file).
    assert article.original.filename == "articles.jsonl#line-2"
    assert bytes(article.original.content) == JSONL.read_bytes().splitlines(keepends=True)[1]
    assert article.original_record == 2
    # No language given: detected from the text.
    refugees = Article.objects.get(title__startswith="اللاجئون")
    assert refugees.language == "ar"
    assert refugees.url is None


@pytest.mark.django_db
def test_seed_imports_once_with_its_original_kept(tmp_path):
    status, out, _ = run_import(SEED)
    assert status == 0
    assert out.strip().endswith("imported 1, updated 0, skipped 0, failed 0")
    article = Article.objects.get()
    assert article.section == "دوليات"
    assert article.published is None
    assert article.needs_review
    assert bytes(article.original.content) == SEED.read_bytes()
    # The same text under another name is the same article.
    copy = tmp_path / "copy.txt"
    shutil.copy(SEED, copy)
    status, out, _ = run_import(copy)
    assert out.strip().endswith("imported 0, updated 0, skipped 1, failed 0")
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_folder_is_walked_recursively(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(SEED, tmp_path / "a" / "b" / "seed.txt")
    shutil.copy(JSONL, tmp_path / "a" / "more.jsonl")
    (tmp_path / "a" / "picture.jpg").write_bytes(b"\xff\xd8\xff")
    status, out, _ = run_import(tmp_path)
    assert status == 0
    assert out.strip().endswith("imported 4, updated 0, skipped 0, failed 0")


@pytest.mark.django_db
def test_same_url_with_new_text_updates_in_place(tmp_path):
    run_import(JSONL)
    record = json.loads(JSONL.read_text().splitlines()[0])
    record["title"] = "قسد تعلن السيطرة الكاملة على الباغوز"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(record, ensure_ascii=False))
    status, out, _ = run_import(changed)
    assert status == 0
    assert out.strip().endswith("imported 0, updated 1, skipped 0, failed 0")
    assert Article.objects.get(url=record["url"]).title == record["title"]
    assert Article.objects.count() == 3


@pytest.mark.django_db
def test_bad_records_fail_alone_with_their_line_and_field(tmp_path):
    good = json.loads(JSONL.read_text().splitlines()[0])
    lines = [
        json.dumps(good, ensure_ascii=False),
        '{"title": "بلا نص"}',
        "{not json",
        json.dumps({"title": "تاريخ خاطئ", "body": "نص", "published": "next tuesday"}),
        json.dumps({"title": "لغة", "body": "نص", "language": "fr"}),
        json.dumps(["not", "an", "object"]),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n")
    status, out, err = run_import(path)
    assert status == 1
    assert out.strip().endswith("imported 1, updated 0, skipped 0, failed 5")
    assert f"{path} (line 2): body: is missing or empty" in err
    assert f"{path} (line 3): malformed JSON" in err
    assert f"{path} (line 4): published: 'next tuesday' is not an ISO 8601 date" in err
    assert f"{path} (line 5): language: must be one of ar, en" in err
    assert f"{path} (line 6): must be an object" in err
    assert Article.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.jsonl", b"\n\n  \n", "the file is empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "the file is binary"),
        # Other encodings are detected now (tests/test_ingest_text.py); this is no text.
        ("garbled.txt", bytes(range(0x80, 0x100)) * 20, "cannot tell the text encoding"),
        ("broken.json", b'{"title": "x", "body": ', "malformed JSON at line 1"),
        ("list.json", b"[]", "the JSON list is empty"),
        ("noheader.csv", "headline,text\nا,ب\n".encode(), "must name the columns title and body"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_unreadable_files_fail_with_a_clear_message_and_leave_nothing(
    tmp_path, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    status, out, err = run_import(path)
    assert status == 1
    assert out.strip().endswith("imported 0, updated 0, skipped 0, failed 1")
    assert f"{path}: " in err and message in err
    assert Article.objects.count() == 0
    assert Original.objects.count() == 0


@pytest.mark.django_db
def test_a_bad_file_does_not_stop_the_good_ones(tmp_path):
    (tmp_path / "bad.json").write_bytes(b"{oops")
    shutil.copy(JSONL, tmp_path / "good.jsonl")
    status, out, err = run_import(tmp_path)
    assert status == 1
    assert out.strip().endswith("imported 3, updated 0, skipped 0, failed 1")
    assert "bad.json: malformed JSON" in err


@pytest.mark.django_db
def test_missing_path_is_reported(tmp_path):
    status, _, err = run_import(tmp_path / "nowhere.txt")
    assert status == 1
    assert "nowhere.txt: no such file or folder" in err


@pytest.mark.django_db
def test_csv_with_quoted_multiline_body_and_tags(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "title,body,url,published,tags,language\n"
        '"الموصل بعد التحرير","الفقرة الأولى.\n\nالفقرة الثانية.",https://example.org/mosul,2017-07-10,"الموصل; العراق",ar\n'
        '"Raqqa falls","The city fell.",https://example.org/raqqa,2017-10-17,,en\n',
        encoding="utf-8",
    )
    status, out, _ = run_import(path)
    assert status == 0, out
    mosul = Article.objects.get(url="https://example.org/mosul")
    assert mosul.paragraphs == ["الفقرة الأولى.", "الفقرة الثانية."]
    assert sorted(mosul.tags.values_list("name", flat=True)) == ["العراق", "الموصل"]
    assert mosul.original_record == 2


@pytest.mark.django_db
def test_csv_row_with_extra_cells_is_reported_with_its_line(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("title,body\nأ,ب\nج,د,زائد\n", encoding="utf-8")
    status, out, err = run_import(path)
    assert status == 1
    assert f"{path} (line 3): more cells than the header has columns" in err
    assert out.strip().endswith("imported 1, updated 0, skipped 0, failed 1")


@pytest.mark.django_db
def test_values_no_column_can_hold_fail_their_record_on_every_database(tmp_path):
    from archive.models import Source, Tag

    good = json.loads(JSONL.read_text().splitlines()[0])
    url = "https://example.org/" + "a" * 1980  # 2,000 characters: the longest that fits

    def record(number: int, **fields) -> dict:
        return {"title": f"سجل رقم {number}", "body": f"نص السجل {number}", **fields}

    lines = [
        good,
        record(2, url=url),
        record(3, url=url + "b"),
        record(4, author="ك" * 301, tags=["وسم"]),
        record(5, section="ق" * 201, source="مصدر جديد"),
        record(6, source="م" * 201),
        record(7, tags=["قصير", "و" * 101]),
        record(8, title="ع" * 1001),
        record(9, url=url + "b", author="ك" * 301),
        record(10, body="نص فيه\0 حرف صفر", standfirst="\0"),
        # 20 letters, 379 once normalised: the source's slug must still fit.
        record(11, source="ﷺ" * 20),
    ]
    path = tmp_path / "long.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\n")
    status, out, err = run_import(path)
    assert status == 1
    assert out.strip().endswith("imported 3, updated 0, skipped 0, failed 8")
    assert f"{path} (line 3): url: is longer than 2000 characters (2001)" in err
    assert f"{path} (line 4): author: is longer than 300 characters (301)" in err
    assert f"{path} (line 5): section: is longer than 200 characters (201)" in err
    assert f"{path} (line 6): source: is longer than 200 characters (201)" in err
    assert f"{path} (line 7): tags: is longer than 100 characters (101)" in err
    assert f"{path} (line 8): title: is longer than 1000 characters" in err
    assert (
        f"{path} (line 9): url: is longer than 2000 characters (2001); "
        "author: is longer than 300 characters (301)"
    ) in err
    assert (
        f"{path} (line 10): standfirst: contains a NUL character; body: contains a NUL character"
    ) in err
    # Nothing of the refused records was written, not even the source or tags they named.
    assert Article.objects.count() == 3
    assert set(Article.objects.values_list("url", flat=True)) == {good["url"], url, None}
    assert not Source.objects.filter(name__in=["مصدر جديد", "م" * 201]).exists()
    assert not Tag.objects.filter(name__in=["وسم", "قصير"]).exists()
    assert len(Source.objects.get(name="ﷺ" * 20).slug) == 200


@pytest.mark.django_db
def test_a_default_longer_than_its_column_is_refused_before_importing():
    status, _, err = run_import(JSONL, source="م" * 201)
    assert status == 1
    assert "--source: is longer than 200 characters (201)" in err
    status, _, err = run_import(JSONL, section="ق" * 201)
    assert "--section: is longer than 200 characters (201)" in err
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_dry_run_reports_but_writes_nothing():
    status, out, _ = run_import(JSONL, dry_run=True)
    assert status == 0
    assert out.strip().endswith("dry run: would have imported 3, updated 0, skipped 0, failed 0")
    assert Article.objects.count() == 0
    assert Original.objects.count() == 0


@pytest.mark.django_db
def test_defaults_fill_what_the_file_does_not_say():
    run_import(SEED, source="اندبندنت عربية", language="ar")
    article = Article.objects.get()
    assert article.source.name == "اندبندنت عربية"
    # The file's own section wins over the default.
    run_import(JSONL, section="منوعات")
    assert Article.objects.get(url__contains="baghouz").section == "سوريا"


@pytest.mark.django_db
def test_utf8_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(
        b"\xef\xbb\xbf" + SEED.read_text(encoding="utf-8").replace("\n", "\r\n").encode()
    )
    status, out, _ = run_import(path)
    assert status == 0
    assert Article.objects.get().section == "دوليات"


@pytest.mark.django_db
def test_imported_articles_are_searchable_when_the_command_exits(client):
    run_import(JSONL)
    response = client.get("/api/search", {"q": "الباغوز"})
    assert response.json()["count"] == 1


@pytest.mark.django_db
def test_a_record_failing_mid_transaction_leaves_nothing_behind(tmp_path):
    run_import(JSONL)
    first, second = (json.loads(line) for line in JSONL.read_text().splitlines()[:2])
    originals = Original.objects.count()
    # Article 1's URL with article 2's exact text: the update would make two identical articles.
    clash = {**second, "url": first["url"], "tags": ["جديد"]}
    path = tmp_path / "clash.json"
    path.write_text(json.dumps(clash, ensure_ascii=False))
    status, out, err = run_import(path)
    assert status == 1
    assert "the same text is already stored as article #" in err
    unchanged = Article.objects.get(url=first["url"])
    assert unchanged.title == first["title"]
    assert sorted(unchanged.tags.values_list("name", flat=True)) == sorted(first["tags"])
    assert Original.objects.count() == originals
    assert not Article.objects.filter(tags__name="جديد").exists()


@pytest.mark.django_db(transaction=True)
def test_import_leaves_the_query_planner_statistics_fresh():
    from django.db import connection

    status, _, _ = run_import(JSONL)
    assert status == 0
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl FROM sqlite_stat1")
            analysed = {row[0] for row in cursor.fetchall()}
            # Without them SQLite filters browse listings through the least selective index.
            assert "archive_article" in analysed
        else:
            # Only ANALYZE counts the rows here: autovacuum waits for 50 changed ones.
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'archive_article'")
            assert cursor.fetchone()[0] == Article.objects.count() == 3


def _variant(record: dict, url: str, words: str) -> dict:
    """The record as a different article: its own URL, and words added to its title."""
    return {**record, "url": url, "title": f"{record['title']} {words}"}


@pytest.mark.django_db(transaction=True)
def test_records_committed_together_still_fail_alone(tmp_path):
    from search.indexing import process_pending
    from search.models import IndexTask, Mention

    run_import(JSONL)
    first, second, _ = (json.loads(line) for line in JSONL.read_text().splitlines())
    mentions = Mention.objects.count()
    before = {a.pk: (a.title, a.body) for a in Article.objects.all()}
    # Three records of one file, stored in one transaction: the middle one fails halfway
    # (article 1's URL with article 2's exact text), the others must land whole.
    records = [
        _variant(first, "https://example.org/variant-a", "تحديث مسائي"),
        {**second, "url": first["url"], "tags": ["جديد"]},
        _variant(first, "https://example.org/variant-b", "تحديث صباحي"),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    status, out, err = run_import(path)
    assert status == 1
    assert out.strip().splitlines()[-1] == "imported 2, updated 0, skipped 0, failed 1"
    assert "line 2" in err and "the same text is already stored as article #" in err
    assert {a.pk: (a.title, a.body) for a in Article.objects.filter(pk__in=before)} == before
    assert not Article.objects.filter(tags__name="جديد").exists()
    added = Article.objects.exclude(pk__in=before)
    assert sorted(added.values_list("url", flat=True)) == [
        "https://example.org/variant-a",
        "https://example.org/variant-b",
    ]
    for article in added:
        assert sorted(article.tags.values_list("name", flat=True)) == sorted(first["tags"])
        assert article.original.filename in ("batch.jsonl#line-1", "batch.jsonl#line-3")
    assert Mention.objects.count() > mentions
    # Each record that landed has its own original; the failed one left none.
    assert Original.objects.filter(filename__startswith="batch.jsonl").count() == 2
    process_pending()
    assert not IndexTask.objects.exists()


@pytest.mark.django_db
def test_a_batch_queues_for_the_index_exactly_the_articles_it_stored(tmp_path):
    from archive.ingest.service import Importer
    from search.models import IndexTask

    Importer().run_paths([JSONL])
    assert IndexTask.objects.count() == 3
    IndexTask.objects.all().delete()  # as if the writer had applied them
    first, second, _ = (json.loads(line) for line in JSONL.read_text().splitlines())
    records = [
        _variant(first, "https://example.org/variant-a", "تحديث مسائي"),
        {**second, "url": first["url"]},  # fails: article 1's URL with article 2's text
        _variant(first, "https://example.org/variant-b", "تحديث صباحي"),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    report = Importer().run_paths([path])
    assert [outcome.status for outcome in report.outcomes] == ["imported", "failed", "imported"]
    stored = [outcome.article_id for outcome in report.outcomes if outcome.status == "imported"]
    assert sorted(IndexTask.objects.values_list("article_id", flat=True)) == sorted(stored)


@pytest.mark.django_db
def test_a_batch_whose_transaction_breaks_is_stored_article_by_article(monkeypatch):
    from django.db import transaction

    from archive.ingest.store import ArticleStore

    real_store = ArticleStore.store
    statuses = []

    def store(self, *args, **kwargs):
        outcome = real_store(self, *args, **kwargs)
        statuses.append(outcome.status)
        if len(statuses) == 2:  # as if a savepoint could not be rolled back
            transaction.get_connection().needs_rollback = True
        return outcome

    monkeypatch.setattr(ArticleStore, "store", store)
    status, out, _ = run_import(JSONL)
    assert status == 0
    assert out.strip().splitlines()[-1] == "imported 3, updated 0, skipped 0, failed 0"
    # The batch ran once (the third record failed on the broken transaction), then each record
    # again in a transaction of its own.
    assert statuses == ["imported", "imported", "failed", "imported", "imported", "imported"]
    assert Article.objects.count() == 3
    assert Original.objects.count() == 3  # one a record, none left by the rolled-back batch
    for record in (json.loads(line) for line in JSONL.read_text().splitlines()):
        article = Article.objects.get(title=record["title"])
        assert sorted(article.tags.values_list("name", flat=True)) == sorted(record.get("tags", []))


@pytest.mark.django_db(transaction=True)
def test_a_second_process_indexes_while_the_import_runs(monkeypatch, client):
    from search.indexing import alongside

    # Every committed change is picked up at once (the default waits for larger batches).
    monkeypatch.setattr(alongside, "ALONGSIDE_MIN_BATCH", 1)
    status, out, _ = run_import(JSONL, verbosity=2)
    assert status == 0
    assert "index: 3 changes applied during the import" in out.splitlines()
    assert out.strip().splitlines()[-1] == "imported 3, updated 0, skipped 0, failed 0"
    assert alongside.pending_count() == 0
    # Each article is found by the first word of its title: it is in the index.
    titles = list(Article.objects.values_list("title", flat=True))
    assert len(titles) == 3
    for title in titles:
        results = client.get("/api/search", {"q": title.split()[0]}).json()["results"]
        assert title in {result["title"] for result in results}


@pytest.mark.django_db(transaction=True)
def test_the_second_process_stops_by_itself_when_the_import_is_gone(make_article):
    import multiprocessing

    from django.db import connections

    from search.indexing import alongside

    make_article("مقال ينتظر الفهرسة")
    assert alongside.pending_count() == 1
    connections.close_all()
    context = multiprocessing.get_context("fork")
    shared = alongside._Shared(context)
    # Its parent is not the process it was told imports (-1 is nobody's pid), as when the
    # importing process was killed: it applies what is queued and exits without being told.
    child = context.Process(target=alongside._drain_until_stopped, args=(shared, 1000, -1))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    assert shared.applied.value == 1
    assert alongside.pending_count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_end_of_an_import_is_indexed_by_the_importing_process_too(
    monkeypatch, settings, client, make_article, indexed
):
    from search.indexing import alongside

    edited = make_article("عنوان قديم للمقال")
    indexed()
    # Staging folders left by an import killed two days ago go; a fresh one is not ours.
    index_dir = Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])
    abandoned = index_dir.parent / ".index-staging-killed"
    (abandoned / "sub").mkdir(parents=True)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(abandoned, (two_days_ago, two_days_ago))
    elsewhere = index_dir.parent / ".index-staging-running"
    elsewhere.mkdir()
    # The second process waits for more than this import stores, so everything is still queued
    # when the import ends: it is shared out between the two processes.
    monkeypatch.setattr(alongside, "ALONGSIDE_MIN_BATCH", 10**6)
    monkeypatch.setattr(alongside, "ALONGSIDE_FIRST_BATCH", 10**6)
    with alongside.drain_alongside() as outcome:
        new = [make_article(f"مقال جديد رقم {n}") for n in range(3)]
        edited.title = "عنوان منقح للمقال"
        edited.save()
    assert outcome.ran and not outcome.failed
    # The other process was idle: it applies the two oldest changes, and the importing one
    # stages the two newest (the edit among them) beside the index and adds them.
    assert outcome.staged == 2 and outcome.applied == 4
    assert alongside.pending_count() == 0

    def found(query: str) -> set[int]:
        return {hit["id"] for hit in client.get("/api/search", {"q": query}).json()["results"]}

    assert found("جديد") == {article.pk for article in new}
    assert found("منقح") == {edited.pk}
    assert found("قديم") == set()  # the old copy of the edited article is gone
    # Nothing of this staging is left beside the index, nor of the abandoned one.
    assert index_dir.is_dir()
    assert list(index_dir.parent.glob(".index-staging-*")) == [elsewhere]
    elsewhere.rmdir()


@pytest.mark.django_db(transaction=True)
def test_an_import_that_fails_leaves_the_second_process_to_index_everything(
    monkeypatch, client, make_article
):
    from search.indexing import alongside

    monkeypatch.setattr(alongside, "ALONGSIDE_MIN_BATCH", 10**6)
    monkeypatch.setattr(alongside, "ALONGSIDE_FIRST_BATCH", 10**6)
    with pytest.raises(RuntimeError), alongside.drain_alongside() as outcome:
        article = make_article("مقال قبل الخطأ")
        raise RuntimeError("the import broke")
    assert outcome.staged == 0 and outcome.applied == 1
    assert alongside.pending_count() == 0
    results = client.get("/api/search", {"q": "الخطأ"}).json()["results"]
    assert [hit["id"] for hit in results] == [article.pk]


@pytest.mark.django_db(transaction=True)
def test_the_second_process_never_uses_a_connection_it_inherited(monkeypatch, make_article):
    """The fork forgets the database connections it inherits: using or closing one would
    garble or end the importing process's session on a database server. (They are closed
    before forking, but not those of another context: Playwright's greenlets do that.)"""
    import signal

    from django.db import connection

    from search.indexing import alongside

    importer = os.getpid()
    close_all = alongside.db_connections.close_all
    # This process keeps its session open across the fork, as one of another context would.
    monkeypatch.setattr(
        alongside.db_connections, "close_all", lambda: os.getpid() != importer and close_all()
    )

    def too_long(signum, frame):
        raise TimeoutError("the two processes are waiting on one database session")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(60)
    try:
        connection.ensure_connection()
        with alongside.drain_alongside() as outcome:
            make_article("مقال أثناء التفرع")
        with connection.cursor() as cursor:  # the same session, still open
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert outcome.ran and not outcome.failed and outcome.applied == 1


@pytest.mark.django_db
def test_imported_tags_are_stored_once_and_searchable(client, tmp_path):
    source = tmp_path / "tags.jsonl"
    record = {
        "title": "تقرير عن المساعدات",
        "body": "وصلت قافلة مساعدات إلى المدينة.",
        "tags": ["مساعدات", "حلب", "مساعدات"],
    }
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    status, _, _ = run_import(source)
    assert status == 0
    article = Article.objects.get(title=record["title"])
    assert sorted(article.tags.values_list("name", flat=True)) == ["حلب", "مساعدات"]
    # The command indexed the article with its tags: the tag facet and filter know them.
    data = client.get("/api/search", {"tag": "حلب"}).json()
    assert [r["title"] for r in data["results"]] == [record["title"]]
    data = client.get("/api/search", {"q": "قافلة", "tag": "مساعدات"}).json()
    assert [r["title"] for r in data["results"]] == [record["title"]]
    assert {f["value"]: f["count"] for f in data["facets"]["tag"]} == {"حلب": 1, "مساعدات": 1}


@pytest.mark.django_db(transaction=True)
def test_near_its_end_an_import_is_indexed_in_smaller_batches(monkeypatch, client, make_article):
    import time

    from search.engine import get_engine
    from search.indexing import alongside

    monkeypatch.setattr(alongside, "ALONGSIDE_MIN_BATCH", 1)
    monkeypatch.setattr(alongside, "ALONGSIDE_FIRST_BATCH", 1)
    monkeypatch.setattr(alongside, "ALONGSIDE_ENDING_BATCH", 1)
    backend = get_engine()
    backend.setup()
    segments_before = len(backend.index._segments())
    with alongside.drain_alongside() as outcome:
        outcome._started -= 60  # as if it had been importing for a minute
        outcome.progress(10, 100)  # a tenth read in a minute: nine more to go
        assert not outcome._shared.ending.value
        outcome.progress(50, 100)  # half: another minute
        assert not outcome._shared.ending.value
        outcome.progress(99_999, 100_000)  # the end is near: batches of one from now on
        articles = [make_article(f"مقال قرب النهاية {n}") for n in range(3)]
        deadline = time.monotonic() + 30
        while alongside.pending_count() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert outcome.applied == 3 and outcome.staged == 0
    # The three changes were applied one at a time: a segment each.
    assert len(backend.index.refresh()._segments()) - segments_before == 3
    results = client.get("/api/search", {"q": "النهاية"}).json()["results"]
    assert {hit["id"] for hit in results} == {article.pk for article in articles}


def test_the_drain_takes_no_batch_smaller_than_its_minimum_until_the_import_ends():
    import multiprocessing

    from search.indexing import alongside

    shared = alongside._Shared(multiprocessing.get_context("fork"))
    queued = [(task_id, task_id * 10) for task_id in range(1, 6)]

    def claim(minimum):
        return alongside._claim_batch(shared, lambda: list(queued), minimum)

    # Five changes queued, ten wanted: the drain waits for more (and claims nothing).
    assert claim(10) == []
    assert shared.claimed.value == 0
    assert claim(5) == queued
    assert shared.claimed.value == 5
    # Near the end of the import, or once it stopped, whatever is queued is taken.
    shared.ending.value = True
    assert claim(10) == queued
    shared.ending.value, shared.stop.value = False, True
    assert claim(10) == queued


@pytest.mark.django_db
def test_an_original_stored_meanwhile_is_not_stored_twice():
    # What an import does when another one stored the same bytes after its look-up.
    first = Original(filename="a.txt", sha256="0" * 64, content=b"x", size=1, format="text")
    assert rows.insert_unless_present(first, "sha256") == first.pk
    stored = Original.objects.get(pk=first.pk)
    assert (stored.filename, bytes(stored.content), stored.imported_at is not None) == (
        "a.txt",
        b"x",
        True,
    )
    again = Original(filename="b.txt", sha256="0" * 64, content=b"y", size=1, format="text")
    assert rows.insert_unless_present(again, "sha256") is None
    assert list(Original.objects.values_list("filename", flat=True)) == ["a.txt"]


@pytest.mark.django_db
def test_rows_inserted_together_are_all_stored_however_many(make_article):
    from search.models import Entity, Mention

    article = make_article()
    entities = [
        Entity(kind="person", key=f"test-person-{n}", name_ar=f"شخص {n}") for n in range(1200)
    ]
    Entity.objects.bulk_create(entities)
    ids = list(
        Entity.objects.filter(key__startswith="test-person-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # More rows than one statement's parameters hold on SQLite (999): several statements.
    rows.insert_rows(
        Mention,
        ("article", "entity", "count"),
        [(article.pk, pk, n + 1) for n, pk in enumerate(ids)],
    )
    stored = list(
        Mention.objects.filter(article=article)
        .order_by("entity_id")
        .values_list("count", flat=True)
    )
    assert stored == list(range(1, 1201))


@pytest.mark.django_db
def test_rows_whose_foreign_key_target_is_gone_are_left_out_of_the_insert(make_article):
    from search.models import Entity, Mention

    article = make_article()
    kept, gone = (
        Entity.objects.create(kind="person", key=f"test-present-{n}", name_ar=f"شخص {n}")
        for n in range(2)
    )
    gone_pk = gone.pk
    gone.delete()
    rows.insert_rows(
        Mention,
        ("article", "entity", "count"),
        [(article.pk, kept.pk, 3), (article.pk, gone_pk, 5)],
        present="entity",
    )
    assert list(Mention.objects.filter(article=article).values_list("entity_id", "count")) == [
        (kept.pk, 3)
    ]


@pytest.mark.django_db(transaction=True)
def test_an_import_leaves_garbage_collection_as_it_found_it():
    import gc

    status, out, _ = run_import(JSONL)
    assert status == 0 and "imported 3" in out
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
