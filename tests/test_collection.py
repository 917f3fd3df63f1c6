"""Garbage collection paced for bulk work (archive.collection): cycles are still freed."""

import gc
import weakref

from archive import collection


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the cyclic collector frees it


def dropped_cycle() -> weakref.ref:
    return weakref.ref(Node())


def test_inside_paced_a_cycle_waits_for_the_tick_that_collects_it():
    assert gc.isenabled()
    with collection.paced():
        assert not gc.isenabled()
        cycle = dropped_cycle()
        collection.tick(collection.COLLECT_EVERY - 1)
        assert cycle() is not None  # not yet: fewer articles than COLLECT_EVERY
        collection.tick(1)
        assert cycle() is None
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_cycle_frozen_before_it_became_garbage_is_freed_when_bulk_work_ends():
    holder = [Node()]
    cycle = weakref.ref(holder[0])
    with collection.paced():
        collection.tick(collection.COLLECT_EVERY)  # frozen while still referenced
        holder.clear()
        collection.tick(collection.COLLECT_EVERY)
        assert cycle() is not None
    gc.collect()
    assert cycle() is None


def test_nested_bulk_work_restores_collection_only_at_the_outermost_end():
    with collection.paced():
        with collection.paced():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collection_stays_off_after_bulk_work_when_it_was_off_before():
    gc.disable()
    try:
        with collection.paced():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_outside_bulk_work_a_tick_does_nothing():
    cycle = dropped_cycle()
    gc.disable()
    try:
        collection.tick(collection.COLLECT_EVERY * 10)
        assert cycle() is not None
    finally:
        gc.enable()
    gc.collect()
    assert cycle() is None
