"""The load run (`make load`), short: a real gunicorn and worker on a 200-article archive, readers
and an editor uploading through the admin; then its checks. Correctness only, never timings."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from search.bench.load_client import READER_KINDS, Sample, token
from search.bench.load_report import check
from tests.processes import ROOT


def run_load(tmp: Path, *args: str, **popen) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARCHIVE_", "DJANGO_"))}
    command = [sys.executable, "-m", "search.bench.load", "--articles", "200"]
    command += ["--readers", "5", "--editors", "1", "--results-dir", str(tmp)]
    # Uploads over 16 KB go to the worker: a large upload is a few articles, not hundreds.
    command += ["--inline-import-kb", "16", "--cache-dir", str(tmp / "cache")]
    return subprocess.Popen(
        command + list(args),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def processes_using(data_dir: str) -> list[str]:
    """Processes whose environment points at the run's data dir: none may outlive the run."""
    found = []
    wanted = f"ARCHIVE_DATA_DIR={data_dir}".encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(os.getpid()):
            try:
                if wanted in (entry / "environ").read_bytes().split(b"\0"):
                    found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            except OSError:
                continue
    return found


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("load")


@pytest.mark.slow
def test_a_short_load_run_passes_every_check(workdir):
    run = run_load(workdir, "--duration", "10")
    out, err = run.communicate(timeout=300)
    assert run.returncode == 0, out + err
    assert "all checks passed" in out
    result = json.loads((workdir / "load-200.json").read_text())
    checks = result["checks"]
    assert checks["ok"] is True
    assert checks["server_errors"] == [] and checks["no_answer"] == []
    assert checks["lost"] == [] and checks["doubled"] == [] and checks["unsearchable"] == []
    assert checks["database_vs_index"] == []
    # The readers read (each begins with a different kind of request) and the editor saved
    # articles (the first with the add form), all of them found once.
    kinds = result["requests"]
    assert len(set(kinds) & set(READER_KINDS)) >= 5
    assert "article_add" in kinds and "admin_login" in kinds
    assert kinds["all"]["5xx"] == 0
    assert result["uploaded"]["articles"] >= 1
    assert checks["database_articles"] == 200 + result["uploaded"]["articles"]
    assert checks["index_documents"] == checks["database_articles"]
    # Everything it started has stopped, and its data dir is gone; the archive stays cached.
    data_dir = re.search(r"data dir (\S+)", err).group(1)
    assert processes_using(data_dir) == []
    assert not Path(data_dir).exists()
    assert len(list((workdir / "cache").glob("archive-200-*/built.json"))) == 1


@pytest.mark.slow
def test_ctrl_c_stops_the_servers_and_removes_the_copy(workdir):
    run = run_load(workdir, "--duration", "60", start_new_session=True)
    data_dir, lines = None, []
    for line in run.stderr:
        lines.append(line)
        if line.startswith("data dir "):
            data_dir = line.split()[-1]
        if " readers, " in line:  # the servers answer and the load has begun
            break
    assert data_dir, "".join(lines)
    time.sleep(2)
    os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends to the whole group
    run.communicate(timeout=60)
    assert run.returncode != 0
    assert processes_using(data_dir) == []
    assert not Path(data_dir).exists()


def recorder(*samples, problems=()):
    return SimpleNamespace(samples=list(samples), problems=list(problems))


def state(**overrides):
    base = {
        "db_count": 3,
        "index_count": 3,
        "index_matched": 3,
        "db_facets": {"source": {"a": 2, "b": 1}, "language": {"ar": 3}},
        "index_facets": {"source": {"a": 2, "b": 1}, "language": {"ar": 3}},
        "uploaded": {token(1, 1): [3]},
        "failed_batches": [],
    }
    return {**base, **overrides}


OK = Sample("search", 200, 5.0, "/search/?q=x")
SENT = {token(1, 1): "upload"}
FOUND = {token(1, 1): [3]}


def test_checks_pass_when_everything_agrees():
    assert check(recorder(OK), SENT, FOUND, state(), drained=1.0)["ok"] is True


@pytest.mark.parametrize(
    "samples, sent, found, overrides, key, message",
    [
        ([Sample("feed", 502, 1.0, "/search/feed.atom", "Bad")], SENT, FOUND, {}, "server_errors",
         "502 feed /search/feed.atom: Bad"),
        ([Sample("export", 0, 1.0, "/x", "ReadTimeout: ")], SENT, FOUND, {}, "no_answer",
         "export /x: ReadTimeout: "),
        ([OK], {**SENT, token(1, 2): "add form"}, FOUND, {}, "lost", f"{token(1, 2)} (add form)"),
        ([OK], SENT, FOUND, {"uploaded": {token(1, 1): [3, 4]}}, "doubled",
         f"{token(1, 1)}: ids [3, 4]"),
        ([OK], SENT, {token(1, 1): []}, {}, "unsearchable",
         f"{token(1, 1)}: search found [], database has [3]"),
        ([OK], SENT, FOUND, {"index_count": 2}, "database_vs_index",
         "database 3 articles, index 2 documents (3 live)"),
        ([OK], SENT, FOUND, {"index_facets": {"source": {"a": 3}, "language": {"ar": 3}}},
         "database_vs_index", "source b: database 1, index 0"),
        ([OK], SENT, FOUND, {"index_drift": ["stale in the index: 7"]}, "database_vs_index",
         "stale in the index: 7"),
    ],
)  # fmt: skip
def test_each_check_names_what_failed(samples, sent, found, overrides, key, message):
    result = check(recorder(*samples), sent, found, state(**overrides), drained=1.0)
    assert result["ok"] is False
    assert message in result[key]


def test_a_worker_that_does_not_drain_fails_the_run():
    result = check(recorder(OK), SENT, {}, state(), drained=None)
    assert result["ok"] is False and result["not_drained"]
