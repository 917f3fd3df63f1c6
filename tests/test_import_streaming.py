"""JSON Lines and CSV read record by record: no per-file limit for import_articles, a per-record
one instead, each record kept as its own original, bad lines named, nothing left behind."""

import codecs
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.models import Article, ImportBatch, ImportOutcome, Original
from tests.conftest import SEED
from tests.test_import_command import run_import


def last_line(out: str) -> str:
    return out.strip().splitlines()[-1]


def record(n: int, words: int = 60) -> dict:
    """A distinct article: its own URL, title and words (so no two are near-duplicates)."""
    body = " ".join(f"كلمة{n}x{i}" for i in range(words))
    return {
        "title": f"خبر رقم {n} عن معارك الشمال",
        "body": f"{body}\n\nفقرة ثانية للخبر رقم {n}.",
        "url": f"https://example.org/news/{n}",
        "published": "2019-03-23",
        "language": "ar",
    }


def jsonl(records) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)


def orphans() -> int:
    return Original.objects.filter(articles__isnull=True).count()


@pytest.mark.django_db
def test_a_jsonl_bigger_than_the_file_limit_imports_record_by_record(tmp_path, settings):
    settings.ARCHIVE_MAX_FILE_BYTES = 16 * 1024
    data = jsonl(record(n) for n in range(1, 41))
    assert len(data) > 2 * settings.ARCHIVE_MAX_FILE_BYTES
    path = tmp_path / "export.jsonl"
    path.write_bytes(data)
    status, out, err = run_import(path)
    assert status == 0, err
    assert last_line(out) == "imported 40, updated 0, skipped 0, failed 0"
    # Each record's own bytes are its original: no blob of the whole file.
    lines = data.splitlines(keepends=True)
    article = Article.objects.get(url="https://example.org/news/7")
    assert article.original_record == 7
    assert article.original.filename == "export.jsonl#line-7"
    assert bytes(article.original.content) == lines[6]
    assert Original.objects.count() == 40
    assert max(Original.objects.values_list("size", flat=True)) < 2000
    # The history holds every record's outcome, written as the import went.
    batch = ImportBatch.objects.get(origin="command")
    assert batch.status == "done" and batch.imported == 40
    assert ImportOutcome.objects.filter(batch=batch).count() == 40
    assert ImportOutcome.objects.get(batch=batch, position=7).name.endswith("(line 7)")


@pytest.mark.django_db
def test_files_read_whole_keep_the_file_limit(tmp_path, settings):
    settings.ARCHIVE_MAX_FILE_BYTES = 16 * 1024
    path = tmp_path / "export.json"
    path.write_text(json.dumps([record(n) for n in range(1, 41)], ensure_ascii=False))
    status, _, err = run_import(path)
    assert status == 1
    assert "export.json: the file is" in err and "over the 16 KB limit" in err
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_record_over_the_record_limit_is_refused_by_line_and_the_others_import(
    tmp_path, settings
):
    settings.ARCHIVE_MAX_RECORD_BYTES = 4 * 1024
    records = [record(1), record(2, words=2000), record(3), record(4)]
    path = tmp_path / "export.jsonl"
    path.write_bytes(jsonl(records))
    status, out, err = run_import(path)
    assert status == 1
    assert last_line(out) == "imported 3, updated 0, skipped 0, failed 1"
    assert "export.jsonl (line 2): the record on line 2 is" in err
    assert "over the per-record limit of 4 KB (ARCHIVE_MAX_RECORD_MB)" in err
    assert sorted(Article.objects.values_list("original_record", flat=True)) == [1, 3, 4]
    assert orphans() == 0 and Original.objects.count() == 3


@pytest.mark.django_db
def test_a_malformed_line_is_named_and_the_lines_after_it_import(tmp_path):
    data = jsonl([record(1), record(2)]) + b'{"title": "x", "body": \n\n' + jsonl([record(5)])
    path = tmp_path / "export.jsonl"
    path.write_bytes(data)
    status, out, err = run_import(path)
    assert status == 1
    assert "export.jsonl (line 3): malformed JSON at column" in err
    assert last_line(out) == "imported 3, updated 0, skipped 0, failed 1"
    assert sorted(Article.objects.values_list("original_record", flat=True)) == [1, 2, 5]


@pytest.mark.django_db
def test_a_line_the_encoding_cannot_read_is_named(tmp_path, monkeypatch):
    from archive.ingest import stream

    # UTF-8 from its first lines (the sample the encoding is told from); line 3, after the
    # sample, holds a byte that is not UTF-8.
    monkeypatch.setattr(stream, "SAMPLE_BYTES", 1000)
    bad = json.dumps(record(3), ensure_ascii=False).encode().replace("خبر".encode(), b"\xff", 1)
    path = tmp_path / "export.jsonl"
    path.write_bytes(jsonl([record(1), record(2)]) + bad + b"\n" + jsonl([record(4)]))
    status, out, err = run_import(path)
    assert status == 1
    assert "export.jsonl (line 3): not valid UTF-8 at byte" in err
    assert last_line(out) == "imported 3, updated 0, skipped 0, failed 1"


@pytest.mark.django_db
def test_the_encoding_is_told_from_the_start_of_a_streamed_file(tmp_path):
    # Real Arabic prose (detection needs some; the made-up words of record() would not do).
    prose = SEED.read_text(encoding="utf-8").split("\n\n")
    records = [{**record(n), "body": "\n\n".join(prose[n : n + 3])} for n in (1, 2)]
    data = jsonl(records).decode()
    cp1256 = tmp_path / "windows.jsonl"
    cp1256.write_bytes(data.encode("cp1256"))
    utf16 = tmp_path / "wide.jsonl"
    utf16.write_bytes(
        codecs.BOM_UTF16_LE
        + data.replace("خبر", "نبأ").replace("/news/", "/wide/").encode("utf-16-le")
    )
    status, out, err = run_import(cp1256, utf16)
    assert status == 0, err
    assert last_line(out) == "imported 4, updated 0, skipped 0, failed 0"
    first = Article.objects.get(original__filename="windows.jsonl#line-1")
    assert first.title == "خبر رقم 1 عن معارك الشمال"
    assert "decoded as Windows-1256" in first.review_reason
    assert first.original.encoding == "Windows-1256"
    assert bytes(first.original.content) == data.splitlines(keepends=True)[0].encode("cp1256")
    wide = Article.objects.get(original__filename="wide.jsonl#line-2")
    assert wide.title == "نبأ رقم 2 عن معارك الشمال"
    # A record's bytes from a UTF-16 file keep the byte-order mark, so they read alone.
    assert bytes(wide.original.content).startswith(codecs.BOM_UTF16_LE)
    # Both re-read from their own originals, unchanged.
    out = StringIO()
    call_command("reparse", stdout=out, stderr=StringIO())
    assert last_line(out.getvalue()) == "updated 0, unchanged 4, imported 0, failed 0"


CSV = (
    "title,body,url,published\r\n"
    'خبر أول,"فقرة أولى من الخبر الأول\r\n\r\nفقرة ثانية, فيها فاصلة و""اقتباس""",'
    "https://example.org/csv/1,2019-03-23\r\n"
    "\r\n"
    'خبر ثان,"سطر أول\r\nسطر ثان\r\nسطر ثالث",https://example.org/csv/2,2019-03-24\r\n'
    "خبر ثالث,نص قصير للخبر الثالث,https://example.org/csv/3,2019-03-25\r\n"
)


@pytest.mark.django_db
def test_csv_with_quoted_multi_line_cells_streams_record_by_record(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(CSV.encode())
    status, out, err = run_import(path, verbosity=2)
    assert status == 0, err
    assert "export.csv (line 2): imported" in out
    assert "export.csv (line 6): imported" in out
    assert "export.csv (line 9): imported" in out
    first = Article.objects.get(url="https://example.org/csv/1")
    assert first.body == 'فقرة أولى من الخبر الأول\n\nفقرة ثانية, فيها فاصلة و"اقتباس"'
    second = Article.objects.get(url="https://example.org/csv/2")
    assert second.original_record == 6
    # The header and its own lines: a CSV file of one record.
    lines = CSV.encode().splitlines(keepends=True)
    assert bytes(second.original.content) == lines[0] + b"".join(lines[5:8])


@pytest.mark.django_db
def test_a_csv_record_over_the_limit_stops_the_file_with_its_line(tmp_path, settings):
    settings.ARCHIVE_MAX_RECORD_BYTES = 1024
    long_cell = "كلمة " * 400
    path = tmp_path / "export.csv"
    path.write_bytes(
        (CSV + f'خبر طويل,"{long_cell}\r\n{long_cell}",https://example.org/csv/4,\r\n').encode()
    )
    status, out, err = run_import(path)
    assert status == 1
    assert "export.csv (line 10): the record on line 10 is 4 KB, over" in err
    assert "the rest of the file is not read" in err
    assert last_line(out) == "imported 3, updated 0, skipped 0, failed 1"


@pytest.mark.django_db
def test_reparse_reads_a_streamed_record_from_its_own_original(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(jsonl(record(n) for n in range(1, 6)))
    run_import(path)
    article = Article.objects.get(original_record=4)
    Article.objects.filter(pk=article.pk).update(title="عنوان عدله محرر")
    out, err = StringIO(), StringIO()
    call_command("reparse", stdout=out, stderr=err)
    assert (
        f"original #{article.original_id} export.jsonl#line-4 (line 4): updated" in out.getvalue()
    )
    assert last_line(out.getvalue()) == "updated 1, unchanged 4, imported 0, failed 0"
    article.refresh_from_db()
    assert article.title == "خبر رقم 4 عن معارك الشمال" and article.original_record == 4
    assert Article.objects.count() == 5 and orphans() == 0


@pytest.mark.django_db
def test_an_updated_record_leaves_no_orphan_original(tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(jsonl(record(n) for n in range(1, 4)))
    run_import(path)
    changed = record(2)
    changed["title"] = "خبر رقم 2 بعد التصحيح"
    path.write_bytes(jsonl([record(1), changed, record(3)]))
    status, out, _ = run_import(path)
    assert last_line(out) == "imported 0, updated 1, skipped 2, failed 0"
    assert Original.objects.count() == 3 and orphans() == 0
    article = Article.objects.get(url="https://example.org/news/2")
    assert json.loads(bytes(article.original.content))["title"] == "خبر رقم 2 بعد التصحيح"


@pytest.mark.django_db(transaction=True)
def test_an_import_stopped_mid_file_leaves_no_orphan_and_says_so(tmp_path, monkeypatch):
    from archive.ingest.store import ArticleStore

    path = tmp_path / "export.jsonl"
    path.write_bytes(jsonl(record(n) for n in range(1, 121)))
    real_store = ArticleStore.store
    seen = []

    def store(self, *args, **kwargs):
        seen.append(1)
        if len(seen) == 70:  # stopped (Ctrl-C) in the middle of the second batch
            raise KeyboardInterrupt
        return real_store(self, *args, **kwargs)

    monkeypatch.setattr(ArticleStore, "store", store)
    with pytest.raises(KeyboardInterrupt):
        call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())
    # The first batch committed whole; the second left nothing: no article, no original.
    assert Article.objects.count() == 50
    assert Original.objects.count() == 50 and orphans() == 0
    batch = ImportBatch.objects.get(origin="command")
    assert batch.status == "failed" and "KeyboardInterrupt" in batch.error
    assert batch.imported == 50
    # Run again: it goes on where it stopped.
    monkeypatch.setattr(ArticleStore, "store", real_store)
    status, out, _ = run_import(path)
    assert status == 0
    assert last_line(out) == "imported 70, updated 0, skipped 50, failed 0"
    assert Original.objects.count() == 120 and orphans() == 0


@pytest.mark.django_db
def test_an_empty_or_binary_streamed_file_is_refused_whole(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"\n\n")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"title,body\n\x00\x01\x02" * 10)
    status, out, err = run_import(empty, binary)
    assert status == 1
    assert "empty.jsonl: the file is empty" in err
    assert "binary.csv: the file is binary, not text" in err
    with pytest.raises(CommandError):
        call_command("import_articles", str(empty), stdout=StringIO(), stderr=StringIO())
