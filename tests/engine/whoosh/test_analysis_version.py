"""The Whoosh engine records beside its index the analysis version it was built with."""

import os

from search.analysis import ANALYSIS_VERSION
from search.engine.whoosh.backend import ANALYSIS_VERSION_FILE, ArabicWhooshBackend
from tests.engine import doc


def engine_at(path) -> ArabicWhooshBackend:
    engine = ArabicWhooshBackend("default", PATH=str(path))
    engine.setup()
    return engine


def test_the_version_is_written_with_a_new_index_and_outlives_commits_and_merges(tmp_path):
    engine = engine_at(tmp_path / "index")
    assert (tmp_path / "index" / ANALYSIS_VERSION_FILE).read_text() == f"{ANALYSIS_VERSION}\n"
    for n in range(12):  # enough segments for merges, which delete files no longer used
        engine.apply([doc(n, "صواريخ على المدن")], [])
    engine.merge_idle()
    assert engine.analysis_version() == ANALYSIS_VERSION
    assert engine_at(tmp_path / "index").analysis_version() == ANALYSIS_VERSION  # reopened


def test_an_index_from_before_versions_were_recorded_has_none(tmp_path):
    engine = engine_at(tmp_path / "index")
    engine.apply([doc(1, "صواريخ")], [])
    os.remove(tmp_path / "index" / ANALYSIS_VERSION_FILE)
    reopened = engine_at(tmp_path / "index")
    assert reopened.analysis_version() is None
    assert reopened.count() == 1  # the index itself is still there: sync_index rebuilds it
    reopened.clear()
    assert reopened.analysis_version() == ANALYSIS_VERSION
    assert reopened.count() == 0


def test_another_version_is_read_as_it_was_written(tmp_path):
    engine = engine_at(tmp_path / "index")
    (tmp_path / "index" / ANALYSIS_VERSION_FILE).write_text("1\n")
    assert engine.analysis_version() == 1
