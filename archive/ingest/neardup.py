"""Near-duplicate detection (wire copies, reposts): MinHash signatures and an LSH index. Pure.

An article's *shingles* are the runs of SHINGLE_SIZE consecutive words of its body after
search.analysis.arabic.analyze_exact (normalised Arabic, stopwords out, no stemming: the
same analysis search uses), so spelling variants of the same text still match. Its *signature*
is a MinHash of those shingles (NUM_PERM 32-bit values, stored with the article). The LSH index
answers "which stored articles might share ≥ THRESHOLD of their shingles with this one?"; each
candidate is then checked with the exact Jaccard similarity of the two shingle sets, so a link
is never a guess.

The index lives in memory, built from the stored signatures once per process and brought up to
date at each import run (archive.ingest.neardup_lookup): about 0.5 KB and a few microseconds per
article, fine for tens of thousands of articles. Beyond that, datasketch's MinHashLSH can keep its
buckets in Redis (`storage_config`), or the band hashes can go in an indexed table.
"""

from __future__ import annotations

from functools import lru_cache

try:  # CPython's own SHA-1 takes half the time of OpenSSL's on strings this short
    from _sha1 import sha1
except ImportError:  # pragma: no cover - a build without it
    from hashlib import sha1

from search.analysis import arabic

# datasketch (with numpy and scipy) takes a second to import: only when a signature is needed.

__all__ = [
    "NUM_PERM",
    "THRESHOLD",
    "LshIndex",
    "jaccard",
    "shingles",
    "shingles_of_terms",
    "signature",
]

NUM_PERM = 128
SEED = 1
SCHEME = "affine32"  # datasketch 2's default; signatures of another scheme do not compare
SHINGLE_SIZE = 3
THRESHOLD = 0.8
# Below this many shingles a text is too short to call anything a near-duplicate of it.
MIN_SHINGLES = 8
SIGNATURE_BYTES = NUM_PERM * 4


def shingles(text: str) -> frozenset[str]:
    return shingles_of_terms(arabic.analyze_exact(text))


def shingles_of_terms(words: list[str]) -> frozenset[str]:
    """``shingles`` of a text from its ``analyze_exact`` terms (when they are at hand)."""
    if len(words) < SHINGLE_SIZE:
        return frozenset()
    return frozenset(
        " ".join(words[i : i + SHINGLE_SIZE]) for i in range(len(words) - SHINGLE_SIZE + 1)
    )


@lru_cache(maxsize=1)
def _template():
    from datasketch import MinHash

    # Building the permutations is the slow part of a MinHash: do it once, copy it after.
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)


def _minhash(values=None, hashfunc=None):
    from datasketch import MinHash
    from datasketch.hashfunc import sha1_hash32

    template = _template()
    return MinHash(
        num_perm=NUM_PERM,
        seed=SEED,
        hashfunc=hashfunc or sha1_hash32,
        hashvalues=values if values is not None else template.hashvalues.copy(),
        permutations=template.permutations,
        scheme=SCHEME,
    )


def signature(shingle_set: frozenset[str]) -> bytes | None:
    """The MinHash signature as bytes, or None when the text is too short to compare."""
    if len(shingle_set) < MIN_SHINGLES:
        return None
    # The shingles are hashed here already (see _sha1_hash32s): datasketch only converts them.
    minhash = _minhash(hashfunc=int)
    minhash.update_batch(_sha1_hash32s(shingle_set))
    return minhash.hashvalues.astype("<u4").tobytes()


def _sha1_hash32s(shingle_set: frozenset[str]) -> list[int]:
    """datasketch's default hash (sha1_hash32: a SHA-1's first 4 bytes, little-endian) of each
    shingle, read from all the digests at once: calling it per shingle was half a signature."""
    import numpy as np

    digests = b"".join([sha1(shingle.encode("utf-8")).digest() for shingle in shingle_set])
    # A SHA-1 digest is 20 bytes, five 32-bit words: the first of each.
    return np.frombuffer(digests, dtype="<u4")[::5].tolist()


def _from_bytes(value: bytes):
    import numpy as np

    if not value or len(value) != SIGNATURE_BYTES:
        return None
    from datasketch import LeanMinHash

    values = np.frombuffer(bytes(value), dtype="<u4").astype(_template().hashvalues.dtype)
    # The LSH index reads only the values: a LeanMinHash skips parsing the permutations.
    return LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


class LshIndex:
    """Keys (article ids, or labels within one run) by signature; candidates by LSH."""

    def __init__(self, threshold: float = THRESHOLD):
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._keys: set = set()

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key, value: bytes | None) -> None:
        minhash = _from_bytes(value) if value else None
        if minhash is None:
            return
        if key in self._keys:
            self._lsh.remove(key)
        self._lsh.insert(key, minhash, check_duplication=False)
        self._keys.add(key)

    def candidates(self, value: bytes | None) -> list:
        minhash = _from_bytes(value) if value else None
        return list(self._lsh.query(minhash)) if minhash is not None else []
