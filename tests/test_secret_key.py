"""The secret key generated into a fresh data dir: one key, whole, readable by its owner only."""

import multiprocessing
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from arshif.secret_key import kept_secret_key


def _read_key(path, results):
    results.put(kept_secret_key(path))


def test_processes_starting_at_once_on_a_fresh_data_dir_share_one_whole_key(tmp_path):
    path = tmp_path / "secret_key"
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    starting = [context.Process(target=_read_key, args=(path, results)) for _ in range(12)]
    for process in starting:
        process.start()
    keys = [results.get(timeout=30) for _ in starting]
    for process in starting:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert len(set(keys)) == 1
    assert len(keys[0]) >= 50
    assert path.read_text(encoding="ascii") == keys[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left


def test_the_kept_key_is_read_again_not_replaced(tmp_path):
    path = tmp_path / "secret_key"
    first = kept_secret_key(path)
    assert kept_secret_key(path) == first


def test_an_empty_key_file_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("")
    with pytest.raises(ImproperlyConfigured, match="is empty: delete it to generate a new key"):
        kept_secret_key(path)
