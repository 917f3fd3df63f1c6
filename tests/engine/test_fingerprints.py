"""Fingerprints as `manage.py check_index` reads them: every document the engine holds, with the
fingerprint of the version it holds, through every kind of write."""

from __future__ import annotations

import pytest

from search.engine.contract import fingerprint
from tests.engine import doc


def _three():
    return [
        doc(1, "قصف على حلب", day=20200105, place=["sy:aleppo"], source=["sana"]),
        doc(2, "قصف على حمص", title="حمص", day=20200210, source=["wire"]),
        doc(3, "هدوء في الموصل", place=["iq"]),
    ]


def test_an_empty_engine_holds_no_fingerprint(engine):
    assert engine.fingerprints() == {}


def test_each_document_has_the_fingerprint_of_the_version_held(engine):
    engine.apply(_three(), [])
    assert engine.fingerprints() == {d.id: fingerprint(d) for d in _three()}
    edited = doc(2, "قصف على حمص", title="حمص", day=20200210, source=["wire"], tag=["x"])
    engine.apply([edited], [3])
    first, second, _ = _three()
    assert engine.fingerprints() == {1: fingerprint(first), 2: fingerprint(edited)}
    assert fingerprint(edited) != fingerprint(second)


def test_merging_and_clearing_keep_fingerprints_true(engine):
    engine.apply(_three()[:2], [], merge=False)
    engine.apply(_three()[2:], [1], merge=False)
    while engine.merge_idle():
        pass
    assert engine.fingerprints() == {d.id: fingerprint(d) for d in _three()[1:]}
    engine.clear()
    assert engine.fingerprints() == {}


def test_staged_documents_bring_their_fingerprints(engine):
    if not engine.can_stage:
        pytest.skip("this engine does not stage batches")
    engine.apply(_three(), [])
    newer = doc(1, "هدنة في حلب")
    engine.add_staged(engine.stage([newer]), [3])
    assert engine.fingerprints() == {1: fingerprint(newer), 2: fingerprint(_three()[1])}


def test_a_fingerprint_changes_with_any_part_of_a_document():
    base = doc(1, "قصف", title="عنوان", day=20200101, place=["sy"])
    variants = [
        doc(2, "قصف", title="عنوان", day=20200101, place=["sy"]),
        doc(1, "قصف!", title="عنوان", day=20200101, place=["sy"]),
        doc(1, "قصف", title="عنوان آخر", day=20200101, place=["sy"]),
        doc(1, "قصف", title="عنوان", day=20200102, place=["sy"]),
        doc(1, "قصف", title="عنوان", day=20200101, place=["iq"]),
        doc(1, "قصف", title="عنوان", day=20200101, person=["sy"]),
    ]
    assert len({fingerprint(d) for d in [base, *variants]}) == 1 + len(variants)
    assert fingerprint(doc(1, "قصف", title="عنوان", day=20200101, place=["sy"])) == fingerprint(
        base
    )
