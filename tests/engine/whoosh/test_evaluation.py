"""The engine's own query evaluation (search.engine.whoosh postings, evaluate) agrees with Whoosh's.

Whoosh's matchers are the reference: the arrays read from its posting blocks, and phrases
matched on them, must give exactly the documents Whoosh's own queries give, across several
segments and with deletions.
"""

import random

import numpy as np
import pytest
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import SpaceSeparatedTokenizer

from search.analysis.query import Clause, ParsedQuery, Word
from search.engine.whoosh import postings
from search.engine.whoosh.evaluate import Evaluator, ranked
from search.engine.whoosh.index_view import IndexView
from search.engine.whoosh.postings import Segment, posting_arrays

VOCABULARY = [f"w{n}" for n in range(40)]


def word(text: str) -> Word:
    return Word(original=text, exact=text, stems=(text,))


def docs(searcher, query) -> set[int]:
    return set(searcher.docs_for_query(query))


def found(mask) -> set[int]:
    return set(np.flatnonzero(mask).tolist())


def build_index(path, per_segment: int = 500):
    """3 × `per_segment` documents of Zipf-ish random words in three segments, a tenth of the
    second segment deleted."""
    schema = fields.Schema(
        key=fields.ID(stored=True, unique=True),
        django_id=fields.ID(stored=True),
        text=fields.TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=True),
        exact=fields.TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False),
        title=fields.TEXT(analyzer=SpaceSeparatedTokenizer(), field_boost=2.0),
        place=fields.IDLIST(),
        pubday=fields.NUMERIC(numtype=int, bits=32, sortable=True, signed=False),
    )
    ix = whoosh_index.create_in(str(path), schema)
    rng = random.Random(7)
    weights = [1 / (rank + 1) for rank in range(len(VOCABULARY))]
    for part in range(3):
        writer = ix.writer()
        for n in range(per_segment):
            words = rng.choices(VOCABULARY, weights, k=rng.randint(5, 60))
            writer.add_document(
                key=f"{part}-{n}",
                django_id=str(part * per_segment + n + 1),
                text=" ".join(words),
                exact=" ".join(words),
                title=" ".join(words[:3]),
                place=rng.choice(["sy", "iq", "sy iq", ""]),
                pubday=rng.choice([0, 20190206, 20200115, 20211231]),
            )
        writer.commit(merge=False)
    writer = ix.writer()
    for n in range(0, per_segment, 10):
        writer.delete_by_term("key", f"1-{n}")
    writer.commit(merge=False)
    return ix


@pytest.fixture(scope="module")
def whoosh_ix(tmp_path_factory):
    """Read-only for the tests that share it."""
    return build_index(tmp_path_factory.mktemp("whoosh"))


def test_the_fixture_really_has_several_segments_and_deletions(whoosh_ix):
    with whoosh_ix.searcher() as searcher:
        assert len(list(searcher.reader().leaf_readers())) == 3
        assert searcher.doc_count() == 1450


@pytest.mark.parametrize("term", ["w0", "w5", "w39"])
def test_posting_arrays_match_whooshs_matcher(whoosh_ix, term):
    with whoosh_ix.searcher() as searcher:
        for leaf, _ in searcher.reader().leaf_readers():
            expected_ids, expected_weights = [], []
            matcher = leaf.postings("text", term)
            while matcher.is_active():
                expected_ids.append(matcher.id())
                expected_weights.append(matcher.weight())
                matcher.next()
            ids, weights = posting_arrays(leaf.postings("text", term))
            assert ids.tolist() == expected_ids
            assert weights.tolist() == pytest.approx(expected_weights)
            if term == "w0":  # the common word spans many posting blocks
                assert len(ids) > 300


def test_terms_and_live_documents_over_segments(whoosh_ix):
    with whoosh_ix.searcher() as searcher:
        view = IndexView(searcher, {}, day_field="pubday", id_field="django_id")
        assert view.live_count == 1450
        ids, _ = view.term("text", "w3")
        assert set(ids[view.live[ids]].tolist()) == docs(searcher, wq.Term("text", "w3"))


@pytest.mark.parametrize(
    "words, gap",
    [
        (["w0", "w1"], 0),
        (["w1", "w0"], 0),
        (["w2", "w2"], 0),
        (["w0", "w1", "w2"], 0),
        (["w3", "w0"], 1),
        (["w0", "w4", "w1"], 2),
        (["w10", "w11"], 0),
    ],
)
def test_phrases_match_exactly_what_whooshs_phrase_matches(whoosh_ix, words, gap):
    with whoosh_ix.searcher() as searcher:
        view = IndexView(searcher, {}, day_field="pubday", id_field="django_id")
        # Stopwords dropped from the query (gaps) hold no position in the index either: the
        # words are adjacent there, as in Whoosh's Phrase with its default slop of 1.
        clause = Clause(
            "phrase", tuple(word(w) for w in words), gaps=(0, *[gap] * (len(words) - 1))
        )
        matched = Evaluator(view, {}).phrase(clause) & view.live
        expected = docs(searcher, wq.Phrase("text", words, slop=1))
        assert expected, "a phrase that matches nothing would not test anything"
        assert found(matched) == expected


def test_and_or_exclusion_and_alias_agree_with_whoosh(whoosh_ix):
    with whoosh_ix.searcher() as searcher:
        view = IndexView(searcher, {}, day_field="pubday", id_field="django_id")
        parsed = ParsedQuery(
            groups=[
                [Clause("term", (word("w7"),))],
                [Clause("term", (word("w8"),)), Clause("term", (word("w9"),))],
            ],
            excluded=[Clause("term", (word("w1"),))],
        )
        matched, scores = Evaluator(view, {"title": 2.0}).evaluate(parsed)
        either = wq.Or([wq.Term("text", "w8"), wq.Term("text", "w9")])
        # The exclusion as a set difference: Whoosh's own AndNot skips wrongly (see backend.py).
        expected = docs(searcher, wq.And([wq.Term("text", "w7"), either])) - docs(
            searcher, wq.Term("text", "w1")
        )
        assert expected
        assert found(matched) == expected
        assert (scores[matched] > 0).all()

        alias = Clause("term", (word("nowhere"),), entities=(("place", "iq"),))
        matched, _ = Evaluator(view, {}).evaluate(ParsedQuery(groups=[[alias]]))
        assert found(matched) == docs(searcher, wq.Term("place", "iq"))


def test_ranking_orders_by_score_then_date(whoosh_ix):
    with whoosh_ix.searcher() as searcher:
        view = IndexView(searcher, {}, day_field="pubday", id_field="django_id")
        matched, scores = Evaluator(view, {}).evaluate(
            ParsedQuery(groups=[[Clause("term", (word("w20"),))]])
        )
        best = ranked(view, matched, scores, "relevance", 0, 10)
        assert len(best) == 10
        assert list(scores[best]) == sorted(scores[best], reverse=True)
        # The cut-off shortcut gives the same page as sorting everything.
        everything = ranked(view, matched, scores, "relevance", 0, None)
        assert len(everything) == matched.sum()
        assert best.tolist() == everything[:10].tolist()
        assert (
            ranked(view, matched, scores, "relevance", 5, 5).tolist() == everything[5:10].tolist()
        )

        days = view.days()
        newest = days[ranked(view, matched, scores, "newest", 0, None)].tolist()
        known = [d for d in newest if d]
        assert known == sorted(known, reverse=True)
        assert newest == known + [0] * (len(newest) - len(known))
        oldest = days[ranked(view, matched, scores, "oldest", 0, None)].tolist()
        assert oldest == sorted(known) + [0] * (len(oldest) - len(known))


def test_segments_read_once_are_reused_after_a_commit(tmp_path):
    whoosh_ix = build_index(tmp_path, per_segment=50)
    segments: dict[str, Segment] = {}
    with whoosh_ix.searcher() as searcher:
        IndexView(searcher, segments, day_field="pubday", id_field="django_id").term("text", "w0")
    before = dict(segments)
    writer = whoosh_ix.writer()
    writer.add_document(key="new", text="w0 fresh", exact="w0 fresh", title="w0", pubday=0)
    writer.commit(merge=False)
    with whoosh_ix.searcher() as searcher:
        view = IndexView(searcher, segments, day_field="pubday", id_field="django_id")
        ids, _ = view.term("text", "fresh")
        assert len(ids) == 1 and view.live[ids].all()
    # The old segments' arrays were kept; only the new segment was read.
    for key, segment in before.items():
        assert segments[key] is segment
        assert postings.cached(key, "text", "w0")
    assert len(segments) == len(before) + 1


def test_nearest_term_prefers_the_closest_then_the_most_frequent(whoosh_ix):
    with whoosh_ix.searcher() as searcher:
        view = IndexView(searcher, {}, day_field="pubday", id_field="django_id")
        # One edit from w1 (a deletion) and from w10…w19 (a substitution): w1 is the most
        # frequent of those (Zipf rank 2).
        assert view.nearest_term("text", "w1z") == "w1"
        # One edit from w39 beats two from the far more frequent w3.
        assert view.nearest_term("text", "w39q") == "w39"
        assert view.nearest_term("text", "zzzz") is None


def test_caches_hold_a_bounded_number_of_bytes():
    from search.engine.whoosh.postings import _Lru

    cache = _Lru(limit=800)  # three arrays of 30 float64
    for key in range(10):
        cache.get_or(key, lambda: np.zeros(30))
        cache.get_or(0, lambda: pytest.fail("a recently used entry was recomputed"))
    assert cache.held == sum(value.nbytes for value in cache.values()) <= 800
    assert 0 in cache and 9 in cache and 1 not in cache
    # One entry larger than the limit is still kept (the newest), alone.
    cache.get_or("big", lambda: np.zeros(500))
    assert list(cache) == ["big"]


def _wait_for(condition, seconds: float = 20.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_new_index_segments_are_read_in_the_background(make_article, indexed):
    import threading

    from search.engine import get_engine
    from search.engine.whoosh.backend import _SEGMENT_CACHES
    from search.service import FACETS, keep_warm

    backend = get_engine()

    def segments_on_disk() -> set[str]:
        with backend.index.searcher() as searcher:
            return {leaf.segment().segment_id() for leaf, _ in searcher.reader().leaf_readers()}

    def read_in_background() -> set[str]:
        cache = _SEGMENT_CACHES.get(str(backend.path), {})
        return {
            key
            for key, segment in list(cache.items())
            if set(FACETS) <= set(segment.facets) and segment.days is not None
        }

    make_article("مقال أول عن دمشق", source="وكالة الأنباء")
    indexed()
    stop = threading.Event()
    keep_warm(interval=0.05, stop=stop)
    try:
        first = segments_on_disk()
        assert _wait_for(lambda: first <= read_in_background())
        # A new segment, and no search asks for it: the background thread reads it.
        make_article("مقال ثان عن حلب", source="وكالة الأنباء")
        indexed()
        second = segments_on_disk()
        assert second - first
        assert _wait_for(lambda: second <= read_in_background())
    finally:
        stop.set()
