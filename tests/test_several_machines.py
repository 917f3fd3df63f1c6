"""Several web machines on one PostgreSQL database: what README "Scaling out" deploys.

Two real gunicorn servers, each with its own data dir (nothing on disk is shared, as on two
hosts), and one `manage.py worker` with a third, all on the test's PostgreSQL database with the
search in it (SEARCH_URL=postgres:) and one DJANGO_SECRET_KEY. An editor signed in on one server
is signed in on the other (a load balancer may send each request to either).
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from archive.models import ImportBatch, UploadChunk
from tests.processes import ROOT, child_env, serve_gunicorn
from tests.web_client import Browser, article_form, create_editor

EDITOR, PASSWORD = "editor", "a-password-for-the-test"
# Uploads larger than this are imported by the worker, smaller ones in the confirming request.
INLINE_IMPORT_KB = 16


@dataclass
class Machines:
    a: str  # base URL of server A
    b: str  # base URL of server B
    data_dirs: dict[str, Path]  # "a", "b", "worker"
    editor: Browser  # signed in, talking to A (editor.at(b) talks to B with the same cookies)


def eventually(check: Callable[[], bool], what: str, timeout: float = 90) -> None:
    """Wait until `check()` holds: the worker applies changes a moment after they commit."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.3)


@pytest.fixture
def machines(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several machines share a PostgreSQL database: make test-postgres runs this")
    connection.close()
    create_editor(EDITOR, PASSWORD)
    data_dirs = {name: tmp_path / name for name in ("a", "b", "worker")}
    for folder in data_dirs.values():
        folder.mkdir()
    worker_log = (data_dirs["worker"] / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.2"],
        cwd=ROOT,
        env={
            **child_env(),
            "ARCHIVE_DATA_DIR": str(data_dirs["worker"]),
            "SEARCH_URL": "postgres:",
        },
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    worker_log.close()
    try:
        with (
            serve_gunicorn(
                env={
                    "ARCHIVE_DATA_DIR": str(data_dirs["a"]),
                    "SEARCH_URL": "postgres:",
                    "ARCHIVE_INLINE_IMPORT_KB": str(INLINE_IMPORT_KB),
                }
            ) as a,
            serve_gunicorn(
                env={
                    "ARCHIVE_DATA_DIR": str(data_dirs["b"]),
                    "SEARCH_URL": "postgres:",
                    "ARCHIVE_INLINE_IMPORT_KB": str(INLINE_IMPORT_KB),
                }
            ) as b,
        ):
            editor = Browser(a)
            editor.sign_in(EDITOR, PASSWORD)
            yield Machines(a, b, data_dirs, editor)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
    assert worker.returncode in (0, -15), (data_dirs["worker"] / "worker.log").read_text()


def _hits(base: str, words: str) -> list[str]:
    return [
        hit["title"] for hit in Browser(base).get("/api/search", {"q": words}).json()["results"]
    ]


@pytest.mark.slow
def test_an_article_added_on_one_machine_is_found_on_the_other_and_edits_travel_back(machines):
    title = "مقال من الخادم الأول عن معبر نصيب"
    added = machines.editor.post(
        "/admin/archive/article/add/",
        {**article_form(title, "نص عن إعادة فتح معبر نصيب الحدودي"), "_continue": "1"},
    )
    assert added.status == 302, added.text[:3000]
    pk = int(added.headers["Location"].rstrip("/").split("/")[-2])

    # The worker indexes it into the database; server B finds it.
    eventually(lambda: _hits(machines.b, "معبر نصيب") == [title], "B finds the new article")
    page = Browser(machines.b).get(f"/articles/{pk}/")
    assert page.status == 200 and title in page.text

    # The editor's next requests land on B: same session, same CSRF token (one secret key).
    on_b = machines.editor.at(machines.b)
    change = f"/admin/archive/article/{pk}/change/"
    assert on_b.get(change).status == 200
    new_title = "مقال معدل من الخادم الثاني عن معبر جابر"
    saved = on_b.post(change, article_form(new_title, "نص معدل عن معبر جابر"))
    assert saved.status == 302, saved.text[:3000]

    eventually(lambda: _hits(machines.a, "معبر جابر") == [new_title], "A finds the edit")
    assert _hits(machines.a, "نصيب") == []
    page = Browser(machines.a).get(f"/articles/{pk}/")
    assert new_title in page.text and title not in page.text
    assert new_title in machines.editor.get("/admin/archive/article/").text

    # Nothing of it lives on the web machines' disks: no index, no generated key.
    for name in ("a", "b"):
        held = {path.name for path in machines.data_dirs[name].iterdir()}
        assert not held & {"index", "secret_key", "arshif.sqlite3"}, held


UPLOAD = "/admin/archive/article/upload/"
_WORDS = (
    "قصف مدفعي على الأحياء الشرقية ومقتل مدنيين ونزوح عائلات نحو الريف وقطع الطريق الدولي "
    "وصول قافلة مساعدات إنسانية إلى المخيم واجتماع المجلس المحلي لمناقشة إعادة الإعمار "
    "انقطاع الكهرباء والمياه عن المدينة وارتفاع أسعار الخبز والوقود في الأسواق"
).split()


def _records(place: str, count: int, seed: int) -> bytes:
    """JSON Lines of `count` articles, each naming `place`, their texts different enough not to
    be taken for duplicates of each other."""
    pick = random.Random(seed)
    lines = []
    for number in range(1, count + 1):
        words = [pick.choice(_WORDS) for _ in range(90)]
        record = {
            "title": f"تقرير {number} من {place}",
            "body": f"{place}: " + " ".join(words) + f" ({number})",
            "url": f"https://example.org/{seed}/{number}",
            "language": "ar",
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


def _upload(previewing: Browser, confirming: Browser, name: str, data: bytes) -> tuple[int, str]:
    """The admin's bulk upload as an editor does it: the form, the preview, confirm. The
    preview and the confirm may reach different machines. Returns the batch and its page."""
    assert previewing.get(UPLOAD).status == 200
    sent = previewing.upload(UPLOAD, {"source": "", "section": "", "language": ""}, [(name, data)])
    assert sent.status == 302, sent.text[:3000]
    preview_url = sent.headers["Location"]
    batch = int(re.fullmatch(rf"{UPLOAD}(\d+)/", preview_url).group(1))
    preview = previewing.get(preview_url)
    assert preview.status == 200 and 'name="confirm"' in preview.text and name in preview.text
    confirmed = confirming.post(preview_url, {"confirm": "1"})
    assert confirmed.status == 302, confirmed.text[:3000]
    report = f"/admin/archive/importbatch/{batch}/change/"
    assert confirmed.headers["Location"] == report
    return batch, report


def _finished(browser: Browser, report: str, summary: str) -> bool:
    html = browser.get(report).text
    return 'http-equiv="refresh"' not in html and summary in html


@pytest.mark.slow
def test_uploads_through_one_machine_are_imported_and_found_on_the_other(machines):
    # The editor reads the admin in English: the import summaries below are checked in English.
    on_a = Browser(machines.a, machines.editor.cookies, language="en")
    on_b = on_a.at(machines.b)
    big = _records("كوباني", 30, seed=1)
    small = _records("منبج", 2, seed=2)
    smaller = _records("الطبقة", 1, seed=3)
    assert len(big) > INLINE_IMPORT_KB * 1024 > len(small) > len(smaller)

    # A large upload, previewed on A, confirmed on B (a load balancer's choice): queued for the
    # worker, which reads the upload from the database and imports it.
    big_batch, big_report = _upload(on_a, on_b, "big.jsonl", big)
    # Small ones are imported in the confirming request: on A, and on B from what A stored.
    small_batch, small_report = _upload(on_a, on_a, "small.jsonl", small)
    assert "imported 2, updated 0, skipped 0, failed 0" in on_a.get(small_report).text
    smaller_batch, smaller_report = _upload(on_a, on_b, "smaller.jsonl", smaller)
    assert "imported 1, updated 0, skipped 0, failed 0" in on_b.get(smaller_report).text

    eventually(
        lambda: _finished(on_a, big_report, "imported 30, updated 0, skipped 0, failed 0"),
        "the worker imports the large upload",
    )
    batches = ImportBatch.objects.in_bulk([big_batch, small_batch, smaller_batch])
    assert [(batches[pk].status, batches[pk].background) for pk in sorted(batches)] == [
        ("done", True),
        ("done", False),
        ("done", False),
    ]
    assert not UploadChunk.objects.exists()  # every upload's bytes are gone with its import

    def found(words: str) -> int:
        return Browser(machines.b).get("/api/search", {"q": words}).json()["count"]

    eventually(lambda: found("كوباني") == 30, "B finds the large upload's articles")
    eventually(lambda: found("منبج") == 2, "B finds the small upload's articles")
    eventually(lambda: found("الطبقة") == 1, "B finds the one confirmed on B")
    assert _hits(machines.b, "تقرير 7 من كوباني")[0] == "تقرير 7 من كوباني"
    for name in ("a", "b"):
        held = {path.name for path in machines.data_dirs[name].iterdir()}
        assert not held & {"index", "uploads", "arshif.sqlite3"}, held
