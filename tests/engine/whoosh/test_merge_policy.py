"""When index segments are merged (search.engine.whoosh.merge_policy: plan_merge, TieredMerge) and by whom.

Whoosh's own policy merges every segment into one whenever about 17 have gathered, however large
they are: at 10k articles a stall of most of a minute, at 100k many minutes, with every index
update waiting. Ours merges segments of similar size, ten at a time; a commit someone waits for
merges only segments under a size cap, the idle worker merges every tier (large segments too) and
rewrites any segment with many deleted documents; imports leave merging to the worker's idle
time, so no import batch waits for one.
"""

import io

import pytest
from django.core.management import call_command

from search import indexing
from search.engine import get_engine
from search.engine.whoosh import merge_policy, segment_writer
from search.engine.whoosh.merge_policy import (
    LARGEST_MERGE,
    MERGE_FACTOR,
    SMALLEST_TIER,
    most_segments,
    plan_merge,
)
from search.indexing.documents import documents_for
from search.models import IndexTask
from tests.conftest import DATA

# --- the plan (pure) --------------------------------------------------------------------------


def test_a_tier_is_merged_once_it_holds_ten_segments():
    assert plan_merge([(500, 0)] * 9) == []
    assert plan_merge([(500, 0)] * 10) == list(range(10))


def test_the_smallest_tier_due_is_merged_smallest_first():
    # Two 5,000-document segments (tier 1) and ten small ones (tier 0, up to 1,000).
    sizes = [(5000, 0), (300, 0), (5000, 0)] + [(n, 0) for n in range(100, 1000, 100)]
    assert len(sizes) == 12
    chosen = plan_merge(sizes)
    assert sorted(chosen) == [1, *range(3, 12)]
    assert [sizes[position][0] for position in chosen] == sorted(
        sizes[position][0] for position in chosen
    )


def test_a_merge_never_exceeds_the_largest_merge():
    # Ten segments of 3,000: only three fit in 10,000 documents.
    assert plan_merge([(3000, 0)] * 10) == [0, 1, 2]
    # Deleted documents count: a merge reads them too.
    assert plan_merge([(3000, 2000)] * 10, smallest_tier=1000) == [0, 1, 2]


def test_segments_at_the_largest_merge_wait_for_the_idle_worker():
    # A commit someone waits for leaves them alone...
    assert plan_merge([(LARGEST_MERGE, 0)] * 25) == []
    assert plan_merge([(LARGEST_MERGE, 0)] * 25 + [(10, 0)] * 9) == []
    # ...the idle worker merges them by tiers, like any others: no size is never merged again.
    assert plan_merge([(LARGEST_MERGE, 0)] * 25, largest_merge=None) == list(range(10))
    assert (
        plan_merge([(100 * LARGEST_MERGE, 0)] * 9 + [(LARGEST_MERGE, 0)] * 3, largest_merge=None)
        == []
    )
    assert plan_merge([(100 * LARGEST_MERGE, 0)] * 10, largest_merge=None) == list(range(10))


def _grow(total: int, batch: int) -> tuple[list[int], int]:
    """An archive built `batch` documents a commit (capped merges), the idle worker merging
    (uncapped) after every ten commits: the segments left, and the documents merges read."""
    segments: list[int] = []
    read = 0

    def merge(chosen):
        nonlocal read, segments
        read += sum(segments[p] for p in chosen)
        merged = sum(segments[p] for p in chosen)
        segments = [size for p, size in enumerate(segments) if p not in chosen] + [merged]

    for commit in range(total // batch):
        chosen = plan_merge([(size, 0) for size in segments])
        merge(chosen)
        if chosen:  # merged into this commit's own segment
            segments[-1] += batch
        else:
            segments.append(batch)
        if commit % 10 == 9:
            while chosen := plan_merge([(size, 0) for size in segments], largest_merge=None):
                merge(chosen)
    while chosen := plan_merge([(size, 0) for size in segments], largest_merge=None):
        merge(chosen)
    return segments, read


@pytest.mark.parametrize("total", [10_000, 100_000, 1_000_000])
def test_the_number_of_segments_stays_bounded_as_the_archive_grows(total):
    segments, read = _grow(total, 500)
    assert sum(segments) == total
    # At most MERGE_FACTOR - 1 segments per tier once idle: 27 at 100k, 36 at a million.
    assert len(segments) <= most_segments(total)
    assert most_segments(1_000_000) <= 4 * (MERGE_FACTOR - 1)
    # Each document is merged about once per tier it climbs: the cost grows as N log N.
    tiers = most_segments(total) // (MERGE_FACTOR - 1)
    assert read <= total * tiers


def test_most_segments_counts_the_tiers():
    assert most_segments(SMALLEST_TIER) == MERGE_FACTOR - 1
    assert most_segments(SMALLEST_TIER * MERGE_FACTOR) == 2 * (MERGE_FACTOR - 1)
    assert most_segments(SMALLEST_TIER * MERGE_FACTOR + 1) == 3 * (MERGE_FACTOR - 1)


def test_whooshs_merge_everything_point_is_not_ours():
    # Seventeen 500-article import batches: Whoosh's MERGE_SMALL merges all seventeen.
    assert plan_merge([(500, 0)] * 17) == list(range(10))


def test_a_segment_mostly_deleted_is_rewritten_only_when_asked():
    sizes = [(1000, 100), (1000, 400), (1000, 300), (LARGEST_MERGE, 9000)]
    assert plan_merge(sizes) == []
    assert plan_merge(sizes, rewrite_deleted_share=0.3) == [1]
    assert plan_merge(sizes, rewrite_deleted_share=0.5) == []
    # Idle, deletions are reclaimed in any segment, the largest too.
    assert plan_merge(sizes, largest_merge=None, rewrite_deleted_share=0.5) == [3]
    assert plan_merge([(500_000, 200_000)], largest_merge=None, rewrite_deleted_share=0.3) == [0]


# --- on a real index, through the backend and the queue ----------------------------------------


def _segments():
    return get_engine().index._segments()


def _apply_one_by_one(make_article, count, *, merge):
    """`count` articles, each its own index commit (so its own segment)."""
    articles = []
    for _ in range(count):
        article = make_article(body="تقرير الميدان: وصلت قافلة المساعدات إلى المدينة")
        get_engine().apply(documents_for([article.pk])[0], [], merge=merge)
        articles.append(article)
    IndexTask.objects.all().delete()  # applied above, as the worker would
    return articles


def _search_count(client, q):
    return client.get("/api/search", {"q": q}).json()["count"]


@pytest.mark.django_db
def test_deferred_commits_leave_segments_for_an_idle_merge(make_article, client):
    _apply_one_by_one(make_article, MERGE_FACTOR + 2, merge=False)
    assert len(_segments()) == MERGE_FACTOR + 2
    assert _search_count(client, "قافلة") == MERGE_FACTOR + 2

    assert indexing.merge_when_idle() is True
    # The ten smallest became one; every article is still found, once.
    assert len(_segments()) == 3
    assert sum(segment.doc_count() for segment in _segments()) == MERGE_FACTOR + 2
    assert _search_count(client, "قافلة") == MERGE_FACTOR + 2
    # Nothing more is due, and nothing is written for nothing.
    generation = get_engine().index.latest_generation()
    assert indexing.merge_when_idle() is False
    assert get_engine().index.latest_generation() == generation


@pytest.mark.django_db
def test_an_ordinary_commit_merges_a_tier_that_is_due(make_article, client):
    _apply_one_by_one(make_article, MERGE_FACTOR, merge=True)
    assert len(_segments()) == MERGE_FACTOR
    # Ten segments of the smallest tier: the next commit merges them into its own segment.
    _apply_one_by_one(make_article, 1, merge=True)
    assert len(_segments()) == 1
    assert _search_count(client, "الميدان") == MERGE_FACTOR + 1


@pytest.mark.django_db
def test_deferred_commits_merge_anyway_past_the_most_segments(make_article, monkeypatch, client):
    monkeypatch.setattr(merge_policy, "MOST_SEGMENTS", 12)
    _apply_one_by_one(make_article, 12, merge=False)
    assert len(_segments()) == 12
    # The next commit would make 13: the ten smallest are merged in.
    _apply_one_by_one(make_article, 1, merge=False)
    assert len(_segments()) == 12 - MERGE_FACTOR + 1
    assert _search_count(client, "قافلة") == 13


@pytest.mark.django_db
def test_the_idle_merge_waits_for_queued_changes(make_article, client, indexed):
    _apply_one_by_one(make_article, MERGE_FACTOR, merge=False)
    make_article("خبر جديد لم يفهرس بعد")  # queued, not applied
    assert indexing.merge_when_idle() is False
    assert len(_segments()) == MERGE_FACTOR
    indexed(merge=False)
    assert indexing.merge_when_idle() is True
    assert _search_count(client, "قافلة") == MERGE_FACTOR


@pytest.mark.django_db
def test_the_idle_merge_waits_for_another_writer(make_article):
    _apply_one_by_one(make_article, MERGE_FACTOR, merge=False)
    with indexing.writer_lock():
        assert indexing.merge_when_idle() is False
    assert len(_segments()) == MERGE_FACTOR


@pytest.mark.django_db
def test_a_segment_mostly_deleted_is_rewritten_when_idle(make_article, client, indexed):
    articles = [make_article(f"بيان رقم {n}", "أعلنت الوزارة عن هدنة") for n in range(10)]
    get_engine().apply(documents_for([article.pk for article in articles])[0], [])
    IndexTask.objects.all().delete()
    for article in articles[:4]:
        article.delete()
    indexed()
    (segment,) = _segments()
    assert (segment.doc_count_all(), segment.doc_count()) == (10, 6)

    assert indexing.merge_when_idle() is True
    (segment,) = _segments()
    assert (segment.doc_count_all(), segment.doc_count()) == (6, 6)
    assert _search_count(client, "هدنة") == 6


@pytest.mark.django_db
def test_segments_whose_documents_are_all_deleted_are_dropped(make_article, indexed):
    articles = _apply_one_by_one(make_article, 3, merge=False)
    articles[0].delete()
    indexed()
    # The deletion's commit dropped the emptied segment (no merge needed).
    assert len(_segments()) == 2
    assert sum(segment.doc_count_all() for segment in _segments()) == 2


@pytest.mark.django_db(transaction=True)
def test_the_worker_merges_when_it_has_nothing_else_to_do(make_article, client):
    _apply_one_by_one(make_article, MERGE_FACTOR + 1, merge=False)
    indexing.run_worker(interval=0.05, stop_after=1.0)
    assert len(_segments()) == 2
    assert _search_count(client, "قافلة") == MERGE_FACTOR + 1


@pytest.mark.django_db(transaction=True)
def test_an_import_leaves_merging_to_the_idle_worker(make_article, client):
    _apply_one_by_one(make_article, MERGE_FACTOR, merge=False)
    out = io.StringIO()
    call_command("import_articles", str(DATA / "records" / "articles.jsonl"), stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith("imported 3,")
    # Searchable at once, in segments of its own: no batch of the import waited for a merge.
    before = len(_segments())
    assert before > MERGE_FACTOR
    assert [segment.doc_count_all() for segment in _segments()].count(1) >= MERGE_FACTOR
    assert _search_count(client, "اللاجئون") == 1

    assert indexing.merge_when_idle() is True
    assert len(_segments()) == before - MERGE_FACTOR + 1
    assert _search_count(client, "اللاجئون") == 1
    assert _search_count(client, "قافلة") == MERGE_FACTOR


@pytest.mark.django_db
def test_an_edit_replaces_the_copy_in_whichever_segment_holds_it(make_article, client, indexed):
    articles = _apply_one_by_one(make_article, MERGE_FACTOR, merge=False)

    def edit(article, word):
        article.title = f"عنوان {word}"
        article.save()
        indexed(merge=False)

    def live_documents():
        return sum(segment.doc_count() for segment in _segments())

    edit(articles[3], "منقح")  # its copy is in the fourth segment
    edit(articles[3], "مراجع")  # ...and now in the newest one
    edit(articles[7], "مصحح")
    assert _search_count(client, "قافلة") == MERGE_FACTOR
    assert [_search_count(client, word) for word in ("منقح", "مراجع", "مصحح")] == [0, 1, 1]
    assert live_documents() == MERGE_FACTOR
    # After a merge, the same holds for the merged segment.
    assert indexing.merge_when_idle() is True
    edit(articles[0], "جديد")
    edit(articles[7], "أخير")
    assert [_search_count(client, word) for word in ("جديد", "مصحح", "أخير")] == [1, 0, 1]
    assert live_documents() == MERGE_FACTOR


@pytest.mark.django_db
def test_the_largest_merge_is_a_setting_for_commits_not_for_idle_merges(
    make_article, client, settings
):
    settings.ARCHIVE_INDEX_MERGE_ARTICLES = 4
    _apply_one_by_one(make_article, MERGE_FACTOR, merge=False)
    # A commit merges at most 4 documents of the tier that is due, besides its own.
    _apply_one_by_one(make_article, 1, merge=True)
    assert sorted(segment.doc_count_all() for segment in _segments()) == [1] * 6 + [5]
    # Idle, the worker merges whatever is due, past the setting.
    _apply_one_by_one(make_article, 3, merge=False)
    assert indexing.merge_when_idle() is True
    assert [segment.doc_count_all() for segment in _segments()] == [MERGE_FACTOR + 4]
    assert _search_count(client, "قافلة") == MERGE_FACTOR + 4


# --- an idle merge gives way to changes saved meanwhile ------------------------------------------


@pytest.fixture
def fresh_worker(monkeypatch):
    """merge_when_idle's count of merges that gave way in a row starts at zero."""
    monkeypatch.setattr(indexing.worker, "_merges_given_way", 0)


def _index_files():
    return sorted(path.name for path in _index_dir().iterdir())


def _index_dir():
    from pathlib import Path

    from django.conf import settings

    return Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])


@pytest.mark.django_db
def test_a_merge_that_gives_way_leaves_the_index_as_it_was(make_article, client, monkeypatch):
    _apply_one_by_one(make_article, MERGE_FACTOR, merge=False)
    backend = get_engine()
    before = [segment.segment_id() for segment in _segments()]
    files = _index_files()
    # Asked every ten terms: no at first, then yes, part-way through writing the merged segment.
    monkeypatch.setattr(segment_writer, "GIVE_WAY_EVERY", 10)
    answers = iter([False, False, True])
    assert backend.merge_idle(give_way=lambda: next(answers)) is False
    assert [segment.segment_id() for segment in _segments()] == before
    assert _index_files() == files  # nothing of the abandoned segment is left
    assert _search_count(client, "قافلة") == MERGE_FACTOR
    # The lock is free again.
    assert backend.merge_idle() is True
    assert len(_segments()) == 1
    assert _search_count(client, "قافلة") == MERGE_FACTOR


@pytest.mark.django_db
def test_an_idle_merge_gives_way_to_a_change_saved_meanwhile_three_times_in_a_row(
    make_article, client, indexed, monkeypatch, fresh_worker
):
    articles = _apply_one_by_one(make_article, MERGE_FACTOR, merge=False)
    monkeypatch.setattr(segment_writer, "GIVE_WAY_EVERY", 10)
    # An editor saves an article while the merge is under way.
    postings = segment_writer._MergeSource.postings
    saved = []

    def edit_during_merge(self, value, fmt):
        if len(saved) < 4 and not IndexTask.objects.exists():
            article = articles[len(saved)]
            article.title = f"تصحيح رقم {len(saved)}"
            article.save()
            saved.append(article.pk)
        return postings(self, value, fmt)

    monkeypatch.setattr(segment_writer._MergeSource, "postings", edit_during_merge)
    outcomes = []
    for _ in range(4):
        outcomes.append(indexing.merge_when_idle())
        # The change is searchable as soon as the worker applies it: it did not wait.
        assert indexing.pending_count() == 1
        indexed(merge=False)
        assert _search_count(client, f"تصحيح رقم {len(saved) - 1}") == 1
    # Three times it gave way; the fourth time it ran to its end (the change then waited).
    assert outcomes == [False, False, False, True]
    assert _search_count(client, "قافلة") == MERGE_FACTOR
