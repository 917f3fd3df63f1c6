"""One index writer at a time, on SQLite (a lock file) and on PostgreSQL (an advisory lock)."""

import threading

import pytest
from django.db import connection

from search.indexing import process_pending, writer_lock


def _from_another_connection(action):
    """Run `action` in a thread, which Django gives its own database connection."""
    outcome = {}

    def run():
        try:
            outcome["value"] = action()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return outcome["value"]


def _try_lock():
    with writer_lock(blocking=False) as locked:
        return locked


@pytest.mark.django_db(transaction=True)
def test_a_second_writer_is_turned_away_while_the_first_holds_the_lock(make_article):
    make_article("مقال ينتظر الفهرسة")
    with writer_lock() as locked:
        assert locked
        assert _from_another_connection(_try_lock) is False
        # A drain that may not wait applies nothing and leaves the change queued.
        assert _from_another_connection(lambda: process_pending(blocking=False)) == 0
    assert _from_another_connection(_try_lock) is True
    assert process_pending(blocking=False) == 1
