"""Postings packed in blocks, as search_pg_block keeps them: one (field, term) of one written
batch of documents in two byte strings. Pure (numpy): no database here.

- postings: for each document holding the term, (article id int8, term frequency int4, the
  document's field length int4, its day int4), big-endian, by article id ascending;
- positions (the stemmed text only, else None): each document's positions of the term, tf of
  them, in the same document order, little-endian int4.

A document's current version is in exactly one batch; its postings in earlier batches are
dead (search_pg_dead lists them) and every reader drops them.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np

from search.engine.postgres.documents import DocumentRows

POSTING = np.dtype([("id", ">i8"), ("tf", ">i4"), ("length", ">i4"), ("day", ">i4")])
POSITION = np.dtype("<i4")
_ONE_POSTING = struct.Struct(">qiii")

Block = tuple[int, str, bytes, bytes | None]  # field, term, postings, positions

# The idle worker rewrites MERGE_FACTOR batches of one size tier (sizes within a factor of
# MERGE_FACTOR) as one, and alone any batch whose dead documents are DEAD_SHARE of it or more:
# a term is read from a few rows however many batches were written, each posting is rewritten
# about log10(documents) times in all, and replaced documents' postings do not pile up.
MERGE_FACTOR = 10
DEAD_SHARE = 0.25


def pack(rows: Sequence[DocumentRows]) -> list[Block]:
    """Every (field, term) these documents hold, its postings and positions packed."""
    ordered = sorted(rows, key=lambda row: row.id)
    ids = [row.id for row in ordered]
    days = [row.day for row in ordered]
    lengths = [[row.text_length, row.title_length, row.exact_length] for row in ordered]
    held: dict[tuple[int, str], tuple[list[int], list[int], list[int] | None]] = {}
    for number, row in enumerate(ordered):
        for field, term, tf, positions in row.postings():
            entry = held.get((field, term))
            if entry is None:
                copied = None if positions is None else list(positions)
                held[field, term] = ([number], [tf], copied)
            else:
                entry[0].append(number)
                entry[1].append(tf)
                if positions is not None:
                    entry[2].extend(positions)
    id_array = np.asarray(ids, dtype=np.int64)
    day_array = np.asarray(days, dtype=np.int64)
    length_array = np.asarray(lengths, dtype=np.int64).reshape(len(ordered), 3)
    blocks: list[Block] = []
    for (field, term), (numbers, tfs, positions) in held.items():
        if len(numbers) == 1:  # most terms: no array for one posting
            number = numbers[0]
            postings = _ONE_POSTING.pack(ids[number], tfs[0], lengths[number][field], days[number])
        else:
            at = np.asarray(numbers, dtype=np.int64)
            packed = np.empty(len(numbers), dtype=POSTING)
            packed["id"] = id_array[at]
            packed["tf"] = tfs
            packed["length"] = length_array[at, field]
            packed["day"] = day_array[at]
            postings = packed.tobytes()
        blob = None if positions is None else np.asarray(positions, dtype=POSITION).tobytes()
        blocks.append((field, term, postings, blob))
    return blocks


def postings_of(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=POSTING)


def alive(postings: np.ndarray, dead: np.ndarray | None) -> np.ndarray | None:
    """Which postings are not dead (None: all of them)."""
    if dead is None or not len(dead):
        return None
    keep = ~np.isin(postings["id"], dead)
    return None if keep.all() else keep


def combined(parts: list[np.ndarray]) -> np.ndarray:
    """One term's live postings of several batches as one array, by article id."""
    if len(parts) == 1:
        return parts[0]
    joined = np.concatenate(parts)
    ids = joined["id"]
    if bool((ids[1:] > ids[:-1]).all()):  # batches of ascending ids, as an import writes them
        return joined
    return joined[np.argsort(ids, kind="stable")]


def among(values: np.ndarray, ascending: np.ndarray) -> np.ndarray:
    """Which of `values` are in `ascending` (sorted, unique): a binary search each, rather
    than np.isin's sort of both."""
    if not len(ascending):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(ascending, values), len(ascending) - 1)
    return ascending[at] == values


def positions_in(
    postings: np.ndarray, blob: bytes, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(article id of each position, position) of the postings `keep` selects.

    Only the selected postings' positions are gathered (from where each posting's start, the
    sum of the term frequencies before it): a phrase's candidates are usually a few of a
    common word's postings, whose positions number millions at 100,000 articles.
    """
    tf = postings["tf"].astype(np.int64)
    chosen = np.flatnonzero(keep)
    counts = tf[chosen]
    starts = np.cumsum(tf)[chosen] - counts
    # Posting k's positions go to slots [before_k, before_k + counts_k) of the result, where
    # before_k is the sum of the counts before it: slot j reads starts_k + (j - before_k).
    before = np.cumsum(counts) - counts
    index = np.repeat(starts - before, counts) + np.arange(int(counts.sum()))
    positions = np.frombuffer(blob, dtype=POSITION)[index]
    return np.repeat(postings["id"][chosen].astype(np.int64), counts), positions.astype(np.int64)


def merged(
    parts: Sequence[tuple[bytes, bytes | None]], dead: Sequence[np.ndarray | None]
) -> tuple[bytes, bytes | None] | None:
    """The live postings of one (field, term) in several batches (and their dead documents)
    packed as one block, or None when none is alive."""
    kept: list[np.ndarray] = []
    kept_positions: list[np.ndarray | None] = []
    for (blob, position_blob), gone in zip(parts, dead, strict=True):
        postings = postings_of(blob)
        positions = None if position_blob is None else np.frombuffer(position_blob, POSITION)
        keep = alive(postings, gone)
        if keep is not None:
            if positions is not None:
                positions = positions[np.repeat(keep, postings["tf"].astype(np.int64))]
            postings = postings[keep]
        if len(postings):
            kept.append(postings)
            kept_positions.append(positions)
    if not kept:
        return None
    if len(kept) == 1:
        postings, positions = kept[0], kept_positions[0]
    else:
        postings = np.concatenate(kept)
        order = np.argsort(postings["id"], kind="stable")
        positions = None
        if kept_positions[0] is not None:
            tf = postings["tf"].astype(np.int64)
            starts = np.cumsum(tf) - tf
            positions = np.concatenate(kept_positions)[runs(starts[order], tf[order])]
        postings = postings[order]
    # (np.concatenate gives the native byte order: back to the stored layout.)
    packed = postings.astype(POSTING, copy=False).tobytes()
    return packed, None if positions is None else positions.astype(POSITION, copy=False).tobytes()


def runs(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Indices of the runs [start, start + length) one after another."""
    output_starts = np.cumsum(lengths) - lengths
    return np.arange(int(lengths.sum())) + np.repeat(starts - output_starts, lengths)


def merge_plan(batches: Sequence[tuple[int, int, int]]) -> list[int]:
    """The batches to rewrite as one next, from each batch's (id, live documents, dead
    documents), oldest first; [] when no merge is due."""
    for batch, live, dead in batches:
        if dead and dead >= DEAD_SHARE * (live + dead):
            return [batch]
    tiers: dict[int, list[int]] = {}
    for batch, live, dead in batches:
        tiers.setdefault(_tier(live + dead), []).append(batch)
    for tier in sorted(tiers):
        if len(tiers[tier]) >= MERGE_FACTOR:
            return tiers[tier][:MERGE_FACTOR]
    return []


def _tier(size: int) -> int:
    """floor(log(size, MERGE_FACTOR)), without floating point's 2.999... at 1,000."""
    tier = 0
    while size >= MERGE_FACTOR:
        size //= MERGE_FACTOR
        tier += 1
    return tier
