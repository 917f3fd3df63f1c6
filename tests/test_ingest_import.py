"""import_articles over a corpus of good and bad input built here: encodings, bad files, bombs,
hostile HTML, duplicates and near-duplicates, zips, WARC captures, history and reparse."""

import gzip
import io
import json
import os
import re
import shutil
import zipfile
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from archive.models import Article, ImportBatch, ImportOutcome, Original
from tests.conftest import SEED
from tests.test_import_command import JSONL, run_import
from tests.test_ingest_html import P1, P2, P3, P4, TITLE, page

SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_TITLE = "واشنطن تطمئن الحلفاء إزاء التزاماتها في سوريا والعراق"


def last_line(out: str) -> str:
    return out.strip().splitlines()[-1]


def near_copy(text: str) -> str:
    """A repost: the same article with a few words changed and a new last line."""
    words = text.split(" ")
    for position in (60, 140, 220):
        words[position] = "معدلة"
    return " ".join(words) + "\n\nنشر هذا الخبر أيضا في موقع آخر.\n"


def counts():
    return Article.objects.count(), Original.objects.count()


# --- encodings --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_windows_1256_copy_imports_with_its_encoding_reported(tmp_path):
    path = tmp_path / "seed-1256.txt"
    path.write_bytes(SEED_TEXT.encode("cp1256"))
    status, out, _ = run_import(path)
    assert status == 0, out
    article = Article.objects.get()
    assert article.title.startswith(SEED_TITLE)
    assert "decoded as Windows-1256" in article.review_reason
    assert article.original.encoding == "Windows-1256"
    assert bytes(article.original.content) == path.read_bytes()  # kept untouched


@pytest.mark.django_db
def test_mojibake_copy_is_repaired_to_the_same_article(tmp_path):
    path = tmp_path / "garbled.txt"
    path.write_text(SEED_TEXT.encode("utf-8").decode("cp1256"), encoding="utf-8")
    status, out, _ = run_import(path)
    assert status == 0, out
    article = Article.objects.get()
    assert article.title.startswith(SEED_TITLE)
    assert "garbled Arabic" in article.review_reason
    # The repaired text is the seed's: importing the seed itself is a duplicate.
    status, out, _ = run_import(SEED)
    assert last_line(out) == "imported 0, updated 0, skipped 1, failed 0"


# --- the bad-input corpus ---------------------------------------------------------------------


def zip_bytes(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def warc_bomb() -> bytes:
    head = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/\r\n"
        b"Content-Type: application/http; msgtype=response\r\nContent-Length: 30000000\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    )
    return gzip.compress(head + b"\0" * 30_000_000, compresslevel=9)


@pytest.fixture
def corpus(tmp_path, settings):
    settings.ARCHIVE_MAX_FILE_BYTES = 200 * 1024
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder / "a-seed.txt")
    shutil.copy(SEED, folder / "b-duplicate.txt")
    (folder / "c-near-duplicate.txt").write_text(near_copy(SEED_TEXT), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (folder / "huge.txt").write_text("سطر طويل من النص.\n" * 20000, encoding="utf-8")
    (folder / "bomb.zip").write_bytes(zip_bytes({"big.txt": b"\0" * 30_000_000}))
    (folder / "bomb.warc.gz").write_bytes(warc_bomb())
    good = json.loads(JSONL.read_text().splitlines()[0])
    (folder / "records.jsonl").write_text(
        json.dumps(good, ensure_ascii=False) + "\n{broken json\n", encoding="utf-8"
    )
    (folder / "rows.csv").write_text(
        "title,body\nعنوان صالح,نص صالح للمقال\nعنوان,نص,خلية زائدة\n", encoding="utf-8"
    )
    hostile = page(
        head_extra="<script>steal(document.cookie)</script>",
        body=f'<p onmouseover="steal()">{P1}</p><p>{P2} <a href="javascript:steal()">هنا</a></p>'
        f"<p>{P3}</p><p>{P4}</p>",
    )
    (folder / "hostile.html").write_text(hostile, encoding="utf-8")
    return folder


@pytest.mark.django_db
def test_bad_input_corpus_each_file_says_what_happened(corpus):
    status, out, err = run_import(corpus, verbosity=2)
    assert status == 1
    lines = {}
    for line in (out + err).splitlines():
        name, _, message = line.partition(": ")
        lines[name.replace(str(corpus) + "/", "")] = message

    assert lines["a-seed.txt"] == "imported"
    seed = Article.objects.get(title__startswith=SEED_TITLE, near_duplicate_of=None)
    assert lines["b-duplicate.txt"] == f"skipped (same text as article #{seed.pk})"
    assert lines["c-near-duplicate.txt"].startswith(
        f"imported (near-duplicate of article #{seed.pk} ("
    )
    assert lines["empty.txt"] == "the file is empty"
    assert lines["binary.txt"] == "the file is binary, not text"
    assert lines["huge.txt"] == "the file is 605 KB, over the 200 KB limit"
    assert re.fullmatch(
        r"big.txt in bomb.zip expands \d+ times \(over the 100x limit\): a zip bomb\? "
        "nothing in the archive was imported",
        lines["bomb.zip"],
    )
    assert lines["bomb.warc.gz"] == (
        "bomb.warc.gz expands more than 100 times its size (a gzip bomb?); nothing in it was imported"
    )
    assert lines["records.jsonl (line 1)"] == "imported"
    assert lines["records.jsonl (line 2)"].startswith("malformed JSON at column 2")
    assert lines["rows.csv (line 2)"] == "imported"
    assert lines["rows.csv (line 3)"] == "more cells than the header has columns"
    assert (
        lines["hostile.html"] == "imported (removed 1 script, 1 event handler, 1 javascript: link)"
    )
    assert last_line(out) == "imported 5, updated 0, skipped 1, failed 7"

    # Nothing from the refused files was stored.
    assert Article.objects.count() == 5
    assert Original.objects.count() == 5  # seed, near copy, jsonl, csv, page
    hostile = Article.objects.get(title=TITLE, original__format="html")
    stored = json.dumps(
        [hostile.title, hostile.standfirst, hostile.blocks, hostile.captions], ensure_ascii=False
    )
    for bad in ("<script", "steal", "javascript:", "onmouseover"):
        assert bad not in stored


@pytest.mark.django_db
def test_running_the_corpus_again_changes_nothing(corpus):
    run_import(corpus)
    before = counts()
    status, out, _ = run_import(corpus)
    assert last_line(out) == "imported 0, updated 0, skipped 6, failed 7"
    assert counts() == before


@pytest.mark.django_db
def test_near_duplicate_is_linked_and_shown(corpus, client, admin_client):
    run_import(corpus)
    seed = Article.objects.get(title__startswith=SEED_TITLE, near_duplicate_of=None)
    copy = Article.objects.get(near_duplicate_of=seed)
    assert 0.8 <= copy.near_duplicate_similarity < 1
    assert copy.minhash and seed.minhash
    html = admin_client.get(f"/admin/archive/article/{copy.pk}/change/").content.decode()
    assert f"/admin/archive/article/{seed.pk}/change/" in html
    html = admin_client.get(f"/admin/archive/article/{seed.pk}/change/").content.decode()
    assert f"/admin/archive/article/{copy.pk}/change/" in html
    html = client.get(seed.get_absolute_url()).content.decode()
    assert 'class="also-published"' in html and copy.get_absolute_url() in html


@pytest.mark.django_db
def test_too_many_files_in_a_zip_is_refused_whole(tmp_path, settings):
    settings.ARCHIVE_ZIP_MAX_FILES = 3
    path = tmp_path / "many.zip"
    path.write_bytes(zip_bytes({f"{n}.txt": SEED_TEXT.encode() for n in range(5)}))
    status, out, err = run_import(path)
    assert "holds 5 files, more than the 3 allowed" in err
    assert counts() == (0, 0)


@pytest.mark.django_db
def test_an_oversized_file_in_a_zip_fails_alone(tmp_path, settings):
    settings.ARCHIVE_MAX_FILE_BYTES = 100 * 1024
    path = tmp_path / "mixed.zip"
    noise = os.urandom(150 * 1024)  # incompressible: large, but no bomb
    path.write_bytes(zip_bytes({"big.txt": noise, "seed.txt": SEED.read_bytes()}))
    status, out, err = run_import(path)
    assert f"{path}/big.txt: the file is 150 KB, over the 100 KB limit" in err
    assert last_line(out) == "imported 1, updated 0, skipped 0, failed 1"


@pytest.mark.django_db
def test_a_zip_over_the_unpacked_total_is_refused_whole(tmp_path, settings):
    settings.ARCHIVE_MAX_UNPACKED_BYTES = 30 * 1024
    path = tmp_path / "total.zip"
    members = {f"{n}.jsonl": JSONL.read_bytes() * 5 for n in range(10)}
    path.write_bytes(zip_bytes(members))
    status, out, err = run_import(path)
    assert status == 1 and "over the 30 KB limit" in err
    assert counts() == (0, 0)


# --- zips and WARCs ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_zip_with_folders_and_one_nested_zip(tmp_path):
    inner = zip_bytes({"pages/page.html": page().encode()})
    innermost = zip_bytes({"deep.zip": zip_bytes({"x.txt": b"x"})})
    path = tmp_path / "from-colleague.zip"
    path.write_bytes(
        zip_bytes(
            {
                "saved/2019/seed.txt": SEED.read_bytes(),
                "saved/records.jsonl": JSONL.read_bytes(),
                "saved/picture.jpg": b"\xff\xd8\xff",
                "__MACOSX/saved/._seed.txt": b"junk",
                "inner.zip": inner,
                "twice.zip": innermost,
            }
        )
    )
    status, out, err = run_import(path, verbosity=2)
    assert "from-colleague.zip/twice.zip/deep.zip: a zip inside a zip inside a zip" in err
    assert last_line(out) == "imported 5, updated 0, skipped 0, failed 1"

    article = Article.objects.get(title=TITLE, original__format="html")
    assert article.original.filename == "from-colleague.zip/inner.zip/pages/page.html"
    assert article.original.format == "html"
    assert Article.objects.get(title__startswith=SEED_TITLE).original.filename == (
        "from-colleague.zip/saved/2019/seed.txt"
    )


def build_warc(path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def response(writer, uri, status, content_type, body, extra=()):
        headers = StatusAndHeaders(
            status, [("Content-Type", content_type), *extra], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(record)

    second = page(body=f"<p>{P3}</p><p>{P4}</p><p>{P1[:150]} تتمة مختلفة.</p>").replace(
        TITLE, "نازحو مخيم الهول في ظروف صعبة"
    )
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        response(
            writer,
            "http://news.example.org/old",
            "301 Moved Permanently",
            "text/html",
            b"",
            [("Location", "https://news.example.org/a")],
        )
        response(
            writer,
            "https://news.example.org/a",
            "200 OK",
            "text/html; charset=utf-8",
            page().encode(),
        )
        response(writer, "https://news.example.org/photo.jpg", "200 OK", "image/jpeg", b"\xff\xd8")
        response(
            writer,
            "https://news.example.org/b",
            "200 OK",
            "text/html; charset=windows-1256",
            second.encode("cp1256"),
        )
        response(writer, "https://news.example.org/gone", "404 Not Found", "text/html", b"<p>x</p>")


@pytest.mark.django_db
def test_warc_imports_exactly_its_two_html_pages(tmp_path):
    path = tmp_path / "capture.warc.gz"
    build_warc(path)
    status, out, err = run_import(path, verbosity=2)
    assert status == 0, err
    assert last_line(out) == "imported 2, updated 0, skipped 0, failed 0"
    first = Article.objects.get(url="https://news.example.org/a")
    second = Article.objects.get(url="https://news.example.org/b")
    assert first.title == TITLE and first.paragraphs[0] == P1
    assert second.title == "نازحو مخيم الهول في ظروف صعبة"
    assert second.original.source_url == "https://news.example.org/b"
    assert second.original.encoding == "Windows-1256"
    assert second.original.filename == "capture.warc.gz#record-4.html"
    assert f"{path} (record 2: https://news.example.org/a): imported" in out
    # Idempotent.
    status, out, _ = run_import(path)
    assert last_line(out) == "imported 0, updated 0, skipped 2, failed 0"


@pytest.mark.django_db
def test_damaged_warc_leaves_nothing(tmp_path):
    good = tmp_path / "capture.warc.gz"
    build_warc(good)
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(good.read_bytes()[: len(good.read_bytes()) - 300])
    plain = tmp_path / "notes.warc"
    plain.write_bytes(b"this is not a web archive\n")
    status, out, err = run_import(damaged, plain)
    assert f"{damaged}: " in err and ("truncated" in err or "damaged" in err)
    assert f"{plain}: not a " in err
    assert counts() == (0, 0)


# --- dry runs, history, progress ----------------------------------------------------------------


@pytest.mark.django_db
def test_dry_run_reports_duplicates_between_files_of_the_same_run(tmp_path):
    shutil.copy(SEED, tmp_path / "a.txt")
    shutil.copy(SEED, tmp_path / "b.txt")
    (tmp_path / "c.txt").write_text(near_copy(SEED_TEXT), encoding="utf-8")
    status, out, _ = run_import(tmp_path, dry_run=True, verbosity=2)
    assert f"b.txt: skipped (same text as {tmp_path}/a.txt)" in out
    assert f"c.txt: imported (near-duplicate of {tmp_path}/a.txt (" in out
    assert last_line(out) == "dry run: would have imported 2, updated 0, skipped 1, failed 0"
    assert counts() == (0, 0)
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_command_runs_are_kept_in_the_import_history(tmp_path):
    (tmp_path / "bad.json").write_bytes(b"{oops")
    shutil.copy(JSONL, tmp_path / "good.jsonl")
    run_import(tmp_path)
    batch = ImportBatch.objects.get()
    assert batch.origin == "command" and batch.status == "done"
    assert (batch.imported, batch.updated, batch.skipped, batch.failed) == (3, 0, 0, 1)
    outcomes = list(batch.outcomes.values_list("status", flat=True))
    assert outcomes == ["failed", "imported", "imported", "imported"]
    assert ImportOutcome.objects.filter(article__isnull=False).count() == 3


@pytest.mark.django_db
def test_progress_bar_goes_to_stderr_and_the_summary_stays_exact(tmp_path):
    for n in range(3):
        (tmp_path / f"{n}.jsonl").write_text(JSONL.read_text().splitlines()[n], encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_articles", str(tmp_path), progress=True, stdout=out, stderr=err)
    assert "3/3" in err.getvalue()
    assert out.getvalue() == "imported 3, updated 0, skipped 0, failed 0\n"


# --- reparse ----------------------------------------------------------------------------------


def reparse(**options):
    out, err = StringIO(), StringIO()
    try:
        call_command("reparse", stdout=out, stderr=err, **options)
        status = 0
    except CommandError as error:
        status = error.returncode
    return status, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_reparse_updates_articles_in_place_keeping_ids(tmp_path):
    path = tmp_path / "capture.warc.gz"
    build_warc(path)
    run_import(SEED, source="اندبندنت عربية")
    run_import(JSONL, path)
    ids = dict(Article.objects.values_list("title", "pk"))
    # As if an older parser had produced something else.
    seed = Article.objects.get(title__startswith=SEED_TITLE)
    Article.objects.filter(pk=seed.pk).update(title="عنوان قديم", captions=[])
    Article.objects.filter(url="https://news.example.org/a").update(standfirst="")

    status, out, _ = reparse(dry_run=True)
    assert status == 0, out
    assert last_line(out) == "dry run: would have updated 2, unchanged 4, imported 0, failed 0"
    assert Article.objects.get(pk=seed.pk).title == "عنوان قديم"

    status, out, _ = reparse()
    assert last_line(out) == "updated 2, unchanged 4, imported 0, failed 0"
    seed.refresh_from_db()
    assert seed.title.startswith(SEED_TITLE) and seed.captions
    assert seed.source.name == "اندبندنت عربية"  # the import's default is kept
    page_article = Article.objects.get(url="https://news.example.org/a")
    assert page_article.standfirst
    assert dict(Article.objects.values_list("title", "pk")) == ids
    assert last_line(reparse()[1]) == "updated 0, unchanged 6, imported 0, failed 0"


@pytest.mark.django_db
def test_a_later_import_in_the_same_process_still_finds_near_duplicates(tmp_path):
    # The command lets go of the stored articles' near-duplicate index when its storing ends;
    # the next run in the process must build it again whole, old articles included.
    run_import(SEED)
    seed = Article.objects.get()
    Article.objects.update(updated=timezone.now() - timedelta(days=30))
    repost = tmp_path / "repost.txt"
    repost.write_text(near_copy(SEED_TEXT), encoding="utf-8")
    status, out, _ = run_import(repost, verbosity=2)
    assert status == 0
    assert f"near-duplicate of article #{seed.pk}" in out
    assert Article.objects.get(near_duplicate_of=seed).pk != seed.pk
