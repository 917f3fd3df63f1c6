"""The admin's bulk upload: preview (a real dry run), confirm, report; large uploads in the
background; the import history."""

import io
import shutil
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from archive import jobs
from archive.models import Article, ImportBatch, ImportOutcome, Original, UploadChunk
from tests.conftest import SEED
from tests.processes import ROOT, child_env
from tests.test_import_command import JSONL
from tests.test_ingest_html import TITLE, page
from tests.test_ingest_import import SEED_TEXT, SEED_TITLE, near_copy

UPLOAD = "/admin/archive/article/upload/"


def uploads(*files):
    return [SimpleUploadedFile(name, data) for name, data in files]


def post_upload(admin_client, files, **fields):
    data = {"files": uploads(*files), "source": "", "section": "", "language": "", **fields}
    return admin_client.post(UPLOAD, data)


@pytest.fixture
def files():
    return [
        ("seed.txt", SEED.read_bytes()),
        ("page.html", page().encode()),
        ("broken.jsonl", JSONL.read_bytes().splitlines()[0] + b"\n{oops\n"),
        ("notes.docx", b"PK\x03\x04"),
    ]


def test_changelist_links_to_the_upload_and_the_history(admin_client):
    html = admin_client.get("/admin/archive/article/").content.decode()
    assert f'href="{UPLOAD}"' in html
    assert 'href="/admin/archive/importbatch/"' in html
    html = admin_client.get(UPLOAD).content.decode()
    assert 'type="file"' in html and "multiple" in html and 'name="source"' in html


def test_upload_needs_a_signed_in_editor(client, db):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_upload_without_files_shows_the_form_again(admin_client):
    response = admin_client.post(UPLOAD, {"source": "x"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_preview_shows_each_record_and_saves_nothing(admin_client, files):
    response = post_upload(admin_client, files, source="اندبندنت عربية", language="ar")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{UPLOAD}{batch.pk}/"
    assert Article.objects.count() == 0 and Original.objects.count() == 0
    assert batch.status == "preview" and batch.total_files == 4
    # The uploaded bytes wait in the database, in order, not on this machine's disk.
    for number, (_, data) in enumerate(files, start=1):
        pieces = UploadChunk.objects.filter(batch=batch, file=number).order_by("position")
        assert b"".join(bytes(piece) for piece in pieces.values_list("data", flat=True)) == data
    assert not (jobs.settings.DATA_DIR / "uploads").exists()

    html = admin_client.get(response["Location"]).content.decode()
    assert SEED_TITLE in html and TITLE in html
    # The importer's notes in the editor's (Arabic) interface; file and field names as they are.
    assert "2019-03-23" in html and "(تاريخ كامل)" in html  # date and precision
    assert "لم يُعثر على تاريخ النشر؛ تُرك حقل published فارغًا" in html  # the seed's warning
    assert "broken.jsonl (line 2)" in html and "JSON غير سليم في العمود" in html
    assert "notes.docx" in html and "نوع ملف غير مدعوم (الأنواع المدعومة: .csv" in html
    assert "استُورد 3، وحُدِّث 0، وتُخطّي 0، وفشل 2" in html
    assert "malformed JSON" not in html and "No publication date found" not in html
    assert 'name="confirm"' in html
    rows = batch.preview["outcomes"]
    assert [row["status"] for row in rows] == [
        "imported",
        "imported",
        "imported",
        "failed",
        "failed",
    ]
    seed_row = next(row for row in rows if row["name"] == "seed.txt")
    assert seed_row["preview"]["source"] == "اندبندنت عربية"
    assert {"kind": "place", "value": "raqqa", "text": "الرقة", "count": 1} in seed_row["preview"][
        "entities"
    ]
    assert Article.objects.count() == 0


def test_confirm_imports_and_reports_per_file(admin_client, files):
    post_upload(admin_client, files, section="منوعات")
    batch = ImportBatch.objects.get()
    response = admin_client.post(f"{UPLOAD}{batch.pk}/", {"confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/admin/archive/importbatch/{batch.pk}/change/"
    batch.refresh_from_db()
    assert batch.status == "done" and not batch.background
    assert (batch.imported, batch.updated, batch.skipped, batch.failed) == (3, 0, 0, 2)
    assert batch.processed_files == 4
    assert Article.objects.count() == 3
    assert Article.objects.get(title=TITLE, original__format="html").section == "سوريا"
    assert Article.objects.get(title__startswith=SEED_TITLE).section == "دوليات"
    assert not UploadChunk.objects.exists()  # the upload is gone; its originals are kept

    html = admin_client.get(response["Location"]).content.decode()
    # The message and the summary, and each outcome, in the editor's language.
    assert html.count("استُورد 3، وحُدِّث 0، وتُخطّي 0، وفشل 2") == 2
    assert "JSON غير سليم" in html and "نوع ملف غير مدعوم" in html
    assert "malformed JSON" not in html and "unsupported file type" not in html
    assert "/admin/archive/article/" in html  # outcomes link to their articles
    # Confirming twice imports nothing twice.
    admin_client.post(f"{UPLOAD}{batch.pk}/", {"confirm": "1"})
    assert Article.objects.count() == 3


def test_preview_names_duplicates_and_near_duplicates(admin_client, db):
    call_command("import_articles", str(SEED), stdout=io.StringIO())
    seed = Article.objects.get()
    post_upload(
        admin_client,
        [
            ("copy.txt", SEED.read_bytes()),
            ("repost.txt", near_copy(SEED_TEXT).encode()),
            ("repost-again.txt", near_copy(SEED_TEXT).encode()),
        ],
    )
    batch = ImportBatch.objects.get(origin="upload")
    html = admin_client.get(f"{UPLOAD}{batch.pk}/").content.decode()
    # "duplicate of #1" and "near-duplicate of #1 (0.97)", linked to the stored article.
    assert html.count(f'<a href="/admin/archive/article/{seed.pk}/change/">#{seed.pk}</a>') == 2
    assert "(0.9" in html
    rows = {row["name"]: row for row in batch.preview["outcomes"]}
    assert rows["copy.txt"]["status"] == "skipped"
    assert rows["repost.txt"]["preview"]["near_duplicate_of"] == seed.pk
    assert rows["repost-again.txt"]["preview"]["duplicate_of"] == "repost.txt"  # same upload


def test_a_large_preview_stops_early_and_says_so(admin_client, settings):
    settings.ARCHIVE_PREVIEW_RECORDS = 2
    post_upload(admin_client, [("a.jsonl", JSONL.read_bytes()), ("seed.txt", SEED.read_bytes())])
    batch = ImportBatch.objects.get()
    assert len(batch.preview["outcomes"]) == 2
    assert (batch.preview["unread_records"], batch.preview["unread_files"]) == (1, 1)
    html = admin_client.get(f"{UPLOAD}{batch.pk}/").content.decode()
    assert 'class="warning"' in html
    admin_client.post(f"{UPLOAD}{batch.pk}/", {"confirm": "1"})
    assert Article.objects.count() == 4  # the import itself reads everything


def test_a_zip_upload_is_unpacked(admin_client, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("folder/seed.txt", SEED.read_bytes())
        archive.writestr("folder/sub/page.htm", page())
    post_upload(admin_client, [("batch.zip", buffer.getvalue())])
    batch = ImportBatch.objects.get()
    names = [row["name"] for row in batch.preview["outcomes"]]
    assert names == ["batch.zip/folder/seed.txt", "batch.zip/folder/sub/page.htm"]
    admin_client.post(f"{UPLOAD}{batch.pk}/", {"confirm": "1"})
    assert Article.objects.count() == 2


def test_large_upload_runs_in_the_background_with_progress(admin_client, files, settings):
    settings.ARCHIVE_INLINE_IMPORT_BYTES = 0
    post_upload(admin_client, files)
    batch = ImportBatch.objects.get()
    response = admin_client.post(f"{UPLOAD}{batch.pk}/", {"confirm": "1"}, follow=True)
    html = response.content.decode()
    assert [m.level_tag for m in response.context["messages"]] == ["info"]
    assert 'http-equiv="refresh"' in html and "<progress" in html
    batch.refresh_from_db()
    assert batch.status == "queued" and batch.background
    assert Article.objects.count() == 0

    assert jobs.run_next_job() is True  # what the worker does between index rounds
    batch.refresh_from_db()
    assert batch.status == "done"
    assert (batch.imported, batch.failed, batch.processed_files) == (3, 2, 4)
    assert Article.objects.count() == 3
    assert jobs.run_next_job() is False  # nothing left
    html = admin_client.get(f"/admin/archive/importbatch/{batch.pk}/change/").content.decode()
    assert 'http-equiv="refresh"' not in html and "استُورد 3، وحُدِّث 0" in html


def test_an_interrupted_background_import_resumes_where_it_stopped(admin_client, files, settings):
    settings.ARCHIVE_INLINE_IMPORT_BYTES = 0
    post_upload(admin_client, files)
    batch = ImportBatch.objects.get()
    admin_client.post(f"{UPLOAD}{batch.pk}/", {"confirm": "1"})
    # The worker died after the first file.
    ImportBatch.objects.filter(pk=batch.pk).update(status="running", processed_files=1)
    assert jobs.resume_interrupted() == 1
    jobs.run_next_job()  # the old task: the batch is re-queued, so it runs it once
    jobs.run_next_job()
    batch.refresh_from_db()
    assert batch.status == "done" and batch.processed_files == 4
    # The first file was not imported again (it was counted as done).
    assert not ImportOutcome.objects.filter(batch=batch, name="seed.txt").exists()


def test_stale_previews_are_removed(admin_client, files):
    post_upload(admin_client, files)
    post_upload(admin_client, files[:1])  # a fresh one: kept
    stale, fresh = ImportBatch.objects.order_by("pk")
    assert UploadChunk.objects.filter(batch=stale).count() == 4
    ImportBatch.objects.filter(pk=stale.pk).update(
        created=stale.created - jobs.timezone.timedelta(days=2)
    )
    assert jobs.remove_stale_uploads() == 1
    assert not UploadChunk.objects.filter(batch=stale).exists()
    assert UploadChunk.objects.filter(batch=fresh).count() == 1
    assert jobs.remove_stale_uploads() == 0


def test_bytes_an_ended_import_could_not_delete_are_removed(admin_client, files):
    post_upload(admin_client, files)
    ended = ImportBatch.objects.get()
    # A full disk kept the import from deleting them when it stopped.
    ImportBatch.objects.filter(pk=ended.pk).update(status="failed")
    post_upload(admin_client, files[:1])  # a fresh preview: kept
    assert jobs.remove_stale_uploads() == 1
    fresh = ImportBatch.objects.exclude(pk=ended.pk).get()
    assert list(UploadChunk.objects.values_list("batch", flat=True)) == [fresh.pk]


def test_history_lists_uploads_and_command_runs(admin_client, files, tmp_path):
    shutil.copy(JSONL, tmp_path / "a.jsonl")
    call_command("import_articles", str(tmp_path), stdout=io.StringIO())
    post_upload(admin_client, files)
    html = admin_client.get("/admin/archive/importbatch/").content.decode()
    assert html.count('class="field-__str__"') == 2 or "import_articles" in html
    command = ImportBatch.objects.get(origin="command")
    html = admin_client.get(f"/admin/archive/importbatch/{command.pk}/change/").content.decode()
    assert "a.jsonl (line 1)" in html and "استُورد 3، وحُدِّث 0، وتُخطّي 0، وفشل 0" in html
    html = admin_client.get(
        "/admin/archive/importoutcome/", {"batch__id__exact": command.pk}
    ).content.decode()
    assert "a.jsonl (line 3)" in html


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_worker_process_runs_queued_imports_and_indexes_them(
    admin_client, files, settings, tmp_path, monkeypatch
):
    """One real worker process on "another machine": a data dir of its own (it shares only the
    database, and the search index it writes), imports the queued upload from the database and
    makes it searchable; nothing of the upload is left anywhere."""
    import subprocess
    import sys

    from django.db import connection
    from django.test import Client

    settings.ARCHIVE_INLINE_IMPORT_BYTES = 0
    files.append(("big.jsonl", JSONL.read_bytes()))  # several pieces of a few bytes each
    monkeypatch.setattr(jobs, "UPLOAD_CHUNK_BYTES", 256)
    post_upload(admin_client, files)
    batch = ImportBatch.objects.get()
    assert UploadChunk.objects.filter(batch=batch, file=5).count() > 3
    admin_client.post(f"{UPLOAD}{batch.pk}/", {"confirm": "1"})
    connection.close()
    elsewhere = tmp_path / "worker-machine"
    env = {**child_env(), "ARCHIVE_DATA_DIR": str(elsewhere)}
    search = settings.HAYSTACK_CONNECTIONS["default"]
    if "PATH" in search:  # the embedded index: the worker writes the one the web app reads
        env["SEARCH_URL"] = f"whoosh://{search['PATH']}"
    worker = subprocess.run(
        [sys.executable, "manage.py", "worker", "--interval", "0.2", "--stop-after", "8"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr
    batch.refresh_from_db()
    assert batch.status == "done", (batch.error, worker.stderr[-2000:])
    # The seed, the page, the first line of broken.jsonl and the three records of big.jsonl
    # (the same line as in broken.jsonl is skipped: the same URL, nothing changed).
    assert (batch.imported, batch.skipped, batch.failed) == (5, 1, 2)
    assert not UploadChunk.objects.exists()
    assert not (elsewhere / "uploads").exists() and not (settings.DATA_DIR / "uploads").exists()
    found = Client().get("/api/search", {"q": "الباغوز"}).json()
    assert found["count"] >= 1


def test_preview_lists_the_entities_the_text_names(admin_client, db):
    response = post_upload(admin_client, [("seed.txt", SEED.read_bytes())])
    html = admin_client.get(response["Location"]).content.decode()
    assert "الرقة" in html and "قوات سوريا الديمقراطية" in html
    assert Article.objects.count() == 0


def test_an_english_editor_reads_the_importers_notes_in_english(admin_client, files):
    admin_client.cookies["django_language"] = "en"
    post_upload(admin_client, files)
    batch = ImportBatch.objects.get()
    html = admin_client.get(f"{UPLOAD}{batch.pk}/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "2019-03-23" in html and "(day)" in html
    assert "No publication date found; published is left empty" in html
    assert "malformed JSON at column" in html and "unsupported file type (supported: .csv" in html
    assert "imported 3, updated 0, skipped 0, failed 2" in html


def test_the_common_import_notes_are_in_arabic_and_the_command_keeps_english(
    admin_client, settings
):
    settings.ARCHIVE_MAX_FILE_BYTES = 50 * 1024
    out = io.StringIO()
    call_command("import_articles", str(SEED), stdout=out)
    seed = Article.objects.get()
    big = "سطر\n".encode() * 20_000
    post_upload(
        admin_client,
        [
            ("copy.txt", SEED.read_bytes()),
            ("repost.txt", near_copy(SEED_TEXT).encode()),
            ("binary.txt", b"\x00\x01\x02\x03" * 64),
            ("menu.html", b"<html><head><title>Home</title></head><body><nav><a href=/>x</a>"),
            ("big.txt", big),
        ],
    )
    batch = ImportBatch.objects.get(origin="upload")
    preview = admin_client.get(f"{UPLOAD}{batch.pk}/").content.decode()
    assert "binary.txt" in preview and "فشل: <span" in preview
    assert "الملف ثنائي وليس نصًّا" in preview
    assert "لا مقال: الصفحة التي عنوانها &#x27;Home&#x27; لا تحوي نص مقال" in preview
    assert "حجم الملف 137 KB، وهذا فوق الحدّ المسموح (50 KB)" in preview
    admin_client.post(f"{UPLOAD}{batch.pk}/", {"confirm": "1"})
    html = admin_client.get(f"/admin/archive/importbatch/{batch.pk}/change/").content.decode()
    assert f"النص نفسه محفوظ في المقال #{seed.pk}" in html  # the exact copy, skipped
    assert "تُخطّي" in html and "فشل" in html
    assert f"شبه مطابق للمقال #{seed.pk} (نسبة التطابق" in html  # the near copy, imported
    assert "same text as" not in html and "near-duplicate of article" not in html
    # What the history stores, and what the command prints, stays English.
    messages = dict(ImportOutcome.objects.filter(batch=batch).values_list("name", "message"))
    assert messages["copy.txt"] == f"same text as article #{seed.pk}"
    assert messages["binary.txt"] == "the file is binary, not text"
    out = io.StringIO()
    with translation.override("ar"):
        call_command("import_articles", str(SEED), stdout=out)
    assert out.getvalue() == "imported 0, updated 0, skipped 1, failed 0\n"
