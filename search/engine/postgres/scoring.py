"""BM25 and the contract's orders, computed as the Whoosh engine computes them. Pure numpy.

The contract fixes the formula (search.engine.contract); this module also follows the Whoosh
engine's arithmetic, so that both engines give the same documents the same scores and the same
order, and switching engines changes no ranking:
- a field length is quantised as Whoosh stores it (one byte on a logarithmic scale: exact up
  to 10 terms, then rounded up to the next step of about 3.3%), and the average length is the
  mean of the quantised lengths;
- scores are float32, each term's contribution computed and added in the same order and with
  the same operations as search/engine/whoosh/evaluate.py, so equal matches tie exactly.
"""

from __future__ import annotations

import bisect
import math

import numpy as np

from search.engine.contract import K1, B

# The lengths Whoosh can store (whoosh.util.numeric's table: round((1.033 ** n - 1) * 27) for
# each byte n); a length is stored as the smallest of them not below it.
_STORED_LENGTHS = (
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 16, 17, 18, 20, 21, 23, 25, 26, 28, 30, 32,
    34, 36, 38, 40, 42, 45, 47, 49, 52, 54, 57, 60, 63, 66, 69, 72, 75, 79, 82, 86, 89, 93, 97,
    101, 106, 110, 114, 119, 124, 129, 134, 139, 145, 150, 156, 162, 169, 175, 182, 189, 196,
    203, 211, 219, 227, 235, 244, 253, 262, 271, 281, 291, 302, 313, 324, 336, 348, 360, 373,
    386, 399, 414, 428, 443, 459, 475, 491, 508, 526, 544, 563, 583, 603, 623, 645, 667, 690,
    714, 738, 763, 789, 816, 844, 873, 903, 933, 965, 998, 1032, 1066, 1103, 1140, 1178, 1218,
    1259, 1302, 1345, 1391, 1438, 1486, 1536, 1587, 1641, 1696, 1753, 1811, 1872, 1935, 1999,
    2066, 2135, 2207, 2280, 2356, 2435, 2516, 2600, 2687, 2777, 2869, 2965, 3063, 3165, 3271,
    3380, 3492, 3608, 3728, 3852, 3980, 4112, 4249, 4390, 4536, 4686, 4842, 5002, 5168, 5340,
    5517, 5700, 5889, 6084, 6286, 6494, 6709, 6932, 7161, 7398, 7643, 7897, 8158, 8428, 8707,
    8995, 9293, 9601, 9918, 10247, 10586, 10936, 11298, 11671, 12057, 12456, 12868, 13294,
    13733, 14187, 14656, 15141, 15641, 16159, 16693, 17244, 17814, 18403, 19011, 19640, 20289,
    20959, 21652, 22367, 23106, 23869, 24658, 25472, 26314, 27183, 28081, 29009, 29967, 30957,
    31979, 33035, 34126, 35254, 36418, 37620, 38863, 40146, 41472, 42841, 44256, 45717, 47227,
    48786, 50397, 52061, 53780, 55556, 57390, 59285, 61242, 63264, 65352, 67510, 69739, 72041,
    74419, 76876, 79414, 82035, 84743, 87541, 90430, 93416, 96499, 99684, 102975, 106374,
)  # fmt: skip
_STORED = np.asarray(_STORED_LENGTHS, dtype=np.int64)
LONGEST_STORED = _STORED_LENGTHS[-1]


def stored_length(length: int) -> int:
    """A field length as Whoosh stores it (what its BM25 then uses)."""
    if length >= LONGEST_STORED:
        return LONGEST_STORED
    return _STORED_LENGTHS[bisect.bisect_left(_STORED_LENGTHS, length)]


def stored_lengths(lengths: np.ndarray) -> np.ndarray:
    """stored_length of each (as float32, ready for BM25)."""
    lengths = np.minimum(np.asarray(lengths, dtype=np.int64), LONGEST_STORED)
    return _STORED[np.searchsorted(_STORED, lengths, side="left")].astype(np.float32)


def average_length(total: int, documents: int) -> float:
    """The mean of the documents' stored lengths, as Whoosh's float32 mean of them gives it
    (1.0 for an empty index or an empty field)."""
    if not documents:
        return 1.0
    # numpy's mean of float32: a float32 sum, divided in float64, rounded back to float32.
    average = float(np.float32(float(np.float32(total)) / documents))
    return average or 1.0


def idf(documents: int, having: int) -> float:
    return math.log(1 + (documents - having + 0.5) / (having + 0.5))


def bm25(
    frequency: np.ndarray, lengths: np.ndarray, average: float, idf: float, boost: float = 1.0
) -> np.ndarray:
    """One term's BM25 in the documents having it: `frequency` its occurrences in each
    (float32), `lengths` their stored lengths (float32)."""
    norm = K1 * ((1 - B) + B * lengths / average)
    return boost * idf * frequency * (K1 + 1) / (frequency + norm)
