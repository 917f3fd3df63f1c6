"""The contract's result order, for engines that hold a search's matches as arrays.

Every sort is fully determined (search.engine.contract.SearchEngine): the Whoosh and PostgreSQL
engines both rank their matches here, so they cannot drift apart on a tie.
"""

from __future__ import annotations

import numpy as np

# Dates sort as integers (YYYYMMDD); an unknown one (0) sorts last among the oldest too.
UNKNOWN_DAY_LAST = 99_999_999


def ranked(
    days: np.ndarray,
    ids: np.ndarray,
    matched: np.ndarray,
    scores: np.ndarray,
    sort: str,
    offset: int,
    limit: int | None,
) -> np.ndarray:
    """Positions of `matched` in sort order, sliced to [offset, offset + limit).

    The contract's order (search.engine.contract.SearchEngine): relevance ties go to the newer
    article, date ties to the better match; then the higher article id (the lower for oldest).
    """
    docs = np.flatnonzero(matched)
    if not len(docs):
        return docs
    days = days[docs]
    ids = ids[docs]
    relevance = scores[docs]
    if sort == "newest":
        keys = (-ids, -relevance, -days)
    elif sort == "oldest":
        keys = (ids, -relevance, np.where(days > 0, days, UNKNOWN_DAY_LAST))
    else:
        keys = (-ids, -days, -relevance)
    end = None if limit is None else offset + limit
    if end is not None and sort == "relevance" and len(docs) > 4 * end:
        # Only the best `end` can be shown: sort those (ties at the cut included), not all.
        threshold = np.partition(relevance, len(relevance) - end)[len(relevance) - end]
        keep = relevance >= threshold
        keys = tuple(key[keep] for key in keys)
        docs = docs[keep]
    order = np.lexsort(keys)
    return docs[order][offset:end]
