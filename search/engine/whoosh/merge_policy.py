"""Which index segments a commit merges: the size-tiered merge policy (plan_merge, TieredMerge).

Whoosh's own policy merges every segment into one whenever about 17 have gathered, however large
they are: a stall of most of a minute at 10k articles, with every index update waiting. This one
merges segments of similar size, MERGE_FACTOR at a time: segments are grouped in tiers by size,
each MERGE_FACTOR times larger than the one below, and a tier that has gathered MERGE_FACTOR
segments is merged into one segment of the tier above. It is apart from the writer
(segment_writer.py), which does the merging it plans, because when to merge is a question of
its own, answered by a pure function (plan_merge) the tests can ask directly.

Who waits for a merge decides how large it may be:
- a commit someone waits for (an edit applied by the worker, an import's batch) merges only
  segments under `largest_merge` documents (ARCHIVE_INDEX_MERGE_ARTICLES, 10,000 by default):
  it holds the writer lock for at most about 3.5 ms an article of that;
- the worker's idle merges (merge_idle) have no size cap: large segments are merged too, tier by
  tier, so the number of segments stays bounded as the archive grows (about MERGE_FACTOR - 1
  per tier, and a tier per tenfold: about 30 segments at a million articles), and a segment
  with REWRITE_DELETED_SHARE of its documents deleted is rewritten without them, whatever its
  size. An idle merge gives way to changes queued meanwhile (worker.py). Each document is
  merged about once per tier it climbs, so the merging an archive costs grows as N log N, and
  one merge's time with its size; its memory is bounded by the writer (segment_writer.py): up
  to MERGED_IN_MEMORY documents are merged in memory, larger merges go through Whoosh's pool,
  which spills to disk.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from whoosh.reading import SegmentReader

# No merge a commit waits for takes more documents than this by default
# (search.engine.whoosh.backend reads the setting ARCHIVE_INDEX_MERGE_ARTICLES): a merge holds the
# writer lock for about 3.5 ms an article. Idle merges have no such cap.
LARGEST_MERGE = 10_000

# Segments are grouped in tiers by size, each tier MERGE_FACTOR times larger than the one below,
# the smallest holding up to SMALLEST_TIER live documents; a tier that has gathered MERGE_FACTOR
# segments is merged.
MERGE_FACTOR = 10
SMALLEST_TIER = 1_000
# Segments left unmerged for later (an import in progress) are planned for once the index holds
# this many: then whatever is due is merged, so searches do not walk an ever longer list of small
# segments. (Only segments under the LARGEST_MERGE cap: the larger tiers wait for the idle worker.)
# An import's drain commits about 2,000 articles at a time (search.indexing.alongside), so a
# 100k import ends with about 50 segments and merges nothing while it runs: with 40, most of its
# later commits merged 10,000 articles, the drain did the indexing work about twice over and fell
# behind the importer (issue 14). The idle worker merges them once the import is done.
MOST_SEGMENTS = 64
# When the index is idle, a segment with this share of its documents deleted is rewritten
# without them, whatever its size.
REWRITE_DELETED_SHARE = 0.3


def plan_merge(
    sizes: Sequence[tuple[int, int]],
    *,
    factor: int = MERGE_FACTOR,
    smallest_tier: int = SMALLEST_TIER,
    largest_merge: int | None = LARGEST_MERGE,
    rewrite_deleted_share: float | None = None,
) -> list[int]:
    """Which segments to merge into one now, given each one's (documents, deleted documents):
    their indexes in `sizes`, smallest first, or [] for no merge.

    Segments are grouped in tiers by their live documents: up to `smallest_tier`, then each
    tier `factor` times larger. In the lowest tier that holds `factor` of them, its `factor`
    smallest are merged. With `largest_merge` (a commit someone waits for), only segments of
    fewer than `largest_merge` documents (deleted ones counted: a merge reads them too) take
    part, and a merge takes as many of them, smallest first, as fit in `largest_merge` in all;
    a tier where fewer than two fit is passed over. With `largest_merge=None` (the idle
    worker), every segment takes part, whatever its size.

    With `rewrite_deleted_share`, and no tier due, the segment with the largest share of
    deleted documents, if at or above it, is rewritten alone (within `largest_merge` if given).
    (TieredMerge drops a segment whose documents are all deleted without a merge.)
    """
    cap = math.inf if largest_merge is None else largest_merge
    tiers: defaultdict[int, list[int]] = defaultdict(list)
    for position, (documents, deleted) in enumerate(sizes):
        if documents < cap:
            tiers[_tier(documents - deleted, smallest_tier, factor)].append(position)
    for tier in sorted(tiers):
        members = sorted(tiers[tier], key=lambda position: sizes[position][0])
        if len(members) < factor:
            continue
        chosen, total = [], 0
        for position in members[:factor]:
            if total + sizes[position][0] > cap:
                break
            chosen.append(position)
            total += sizes[position][0]
        if len(chosen) >= 2:
            return chosen
    if rewrite_deleted_share is not None:
        shares = [
            (deleted / documents, position)
            for position, (documents, deleted) in enumerate(sizes)
            if 0 < documents < cap and deleted
        ]
        if shares and max(shares)[0] >= rewrite_deleted_share:
            return [max(shares)[1]]
    return []


def most_segments(
    documents: int, *, factor: int = MERGE_FACTOR, smallest_tier: int = SMALLEST_TIER
):
    """How many segments an index of `documents` live documents holds at most once the idle
    worker has merged what is due: `factor - 1` per tier, the tiers up to the largest
    segment's."""
    return (factor - 1) * (_tier(max(documents, 1), smallest_tier, factor) + 1)


def _tier(live: int, smallest_tier: int, factor: int) -> int:
    return 0 if live <= smallest_tier else math.ceil(math.log(live / smallest_tier, factor))


class TieredMerge:
    """A Whoosh merge policy (`writer.commit(mergetype=TieredMerge(...))`), from plan_merge.

    At a commit it plans over the index's segments as they were (not the one the commit
    writes, nor segments it adds as they are): segments whose documents are all deleted are
    dropped, whatever their size, without a merge; the rest go to plan_merge, and the
    segments it chooses are merged into the commit's new segment. A segment of
    `largest_merge` documents or more (deleted ones counted) is therefore never merged again
    nor rewritten for its deletions, whatever the mode below.

    `deferred`: plan only once the index holds MOST_SEGMENTS segments or more (not counting
    wholly deleted ones), then merge what is due (an import in progress leaves merging to when
    the index is idle). Both merge only segments under `largest_merge` documents.
    `idle` (the worker, nothing queued): merge whatever tier is due, whatever its size, and
    else rewrite a segment with REWRITE_DELETED_SHARE of its documents deleted.
    """

    def __init__(
        self, *, deferred: bool = False, idle: bool = False, largest_merge: int = LARGEST_MERGE
    ):
        self.deferred = deferred
        self.idle = idle
        self.largest_merge = largest_merge

    def plan(self, segments: Sequence) -> tuple[list, list]:
        """The segments to merge and those to keep (without the ones whose documents are all
        deleted, which need no merge to go)."""
        segments = [segment for segment in segments if segment.doc_count() > 0]
        # The writer's own documents become one more segment.
        if self.deferred and len(segments) + 1 <= MOST_SEGMENTS:
            return [], segments
        sizes = [(segment.doc_count_all(), segment.deleted_count()) for segment in segments]
        chosen = set(
            plan_merge(
                sizes,
                largest_merge=None if self.idle else self.largest_merge,
                rewrite_deleted_share=REWRITE_DELETED_SHARE if self.idle else None,
            )
        )
        return (
            [segment for position, segment in enumerate(segments) if position in chosen],
            [segment for position, segment in enumerate(segments) if position not in chosen],
        )

    def __call__(self, writer, segments: list) -> list:
        merged, kept = self.plan(segments)
        for segment in merged:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            try:
                writer.add_reader(reader)
            finally:
                reader.close()
        return kept


class MergeAbandoned(Exception):
    """A merge gave way (BatchSegmentWriter.give_way): cancel the writer; nothing changed."""
