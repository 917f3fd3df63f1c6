"""Several web machines on one PostgreSQL database: what README "Scaling out" deploys.

Two real gunicorn servers, each with its own data dir (nothing on disk is shared, as on two
hosts), and one `manage.py worker` with a third, all on the test's PostgreSQL database with the
search in it (SEARCH_URL=postgres:) and one DJANGO_SECRET_KEY. An editor signed in on one server
is signed in on the other (a load balancer may send each request to either).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from tests.processes import ROOT, child_env, serve_gunicorn
from tests.web_client import Browser, article_form, create_editor

EDITOR, PASSWORD = "editor", "a-password-for-the-test"


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
                env={"ARCHIVE_DATA_DIR": str(data_dirs["a"]), "SEARCH_URL": "postgres:"}
            ) as a,
            serve_gunicorn(
                env={"ARCHIVE_DATA_DIR": str(data_dirs["b"]), "SEARCH_URL": "postgres:"}
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
