"""A search that started before the worker merged segments finishes on what it started with.

A web process shares one searcher between its threads. When one thread picks up a merge, the
segments merged away must stay readable for a search another thread is still running on them
(they are closed when no search holds them): else that search answered 503 "index cannot be
read", as a load run saw once while the idle worker merged after an import."""

from search.analysis.query import parse_query
from search.engine.contract import SearchRequest
from tests.engine import doc
from tests.engine.whoosh.test_analysis_version import engine_at


def test_a_search_on_the_searcher_before_a_merge_still_reads_its_segments(tmp_path):
    engine = engine_at(tmp_path / "index")
    for n in range(12):  # enough small segments for the idle worker to merge them
        engine.apply([doc(n, f"قصف على المدن كلمة{n}")], [], merge=False)
    before = engine._current()  # the state a search in another thread is using
    assert len(before.view.leaves) == 12
    assert engine.merge_idle()
    after = engine._current()  # another thread's search picks up the merge
    assert len(after.view.leaves) < 12
    # The first search goes on reading, on its own state, words it has not read yet.
    for n in (3, 7, 11):
        ids, _ = before.view.term("exact", f"كلمه{n}")
        assert before.view.article_ids()[ids].tolist() == [n]
    hits = engine.search(SearchRequest(query=parse_query("كلمة5")))
    assert hits.ids == [5]
