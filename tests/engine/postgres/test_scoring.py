"""The PostgreSQL engine's BM25 arithmetic is the Whoosh engine's: the same stored lengths, the
same average, bit for bit (pure: no database)."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh.util.numeric import byte_to_length, length_to_byte

from search.engine.postgres.scoring import average_length, stored_length, stored_lengths

LENGTHS = [*range(0, 3000), 9999, 10_000, 50_000, 106_373, 106_374, 106_375, 10**7]


def test_a_length_is_stored_as_whoosh_stores_it():
    expected = [byte_to_length(length_to_byte(length)) for length in LENGTHS]
    assert [stored_length(length) for length in LENGTHS] == expected
    assert stored_lengths(np.asarray(LENGTHS)).tolist() == expected
    assert stored_lengths(np.asarray(LENGTHS)).dtype == np.float32


@pytest.mark.parametrize("seed", range(5))
def test_the_average_length_is_numpys_float32_mean(seed):
    rng = np.random.default_rng(seed)
    lengths = stored_lengths(rng.integers(0, 5000, size=int(rng.integers(1, 3000))))
    total = int(lengths.astype(np.int64).sum())
    assert average_length(total, len(lengths)) == float(lengths.mean())


def test_an_empty_index_or_field_averages_one():
    assert average_length(0, 0) == 1.0
    assert average_length(0, 12) == 1.0
