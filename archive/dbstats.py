"""Keep the database's query planner informed after bulk changes.

SQLite chooses indexes from statistics that only ANALYZE gathers, and Django never runs it.
Without them, a browse filtered on a common language and a year walks the language index over
nearly every (wide) article row instead of the date index: 130 ms instead of 10 ms at 10k
articles. ANALYZE takes ~0.15 s at that size, so it runs after bulk imports, not per article.
PostgreSQL's autovacuum gathers its own, but only on its next round (up to a minute later) and
only once a table has changed by a tenth: after an import it is told at once, as SQLite is.
"""

from __future__ import annotations

from django.db import connections


def refresh_planner_statistics(using: str = "default") -> bool:
    """Re-gather the planner's statistics where the database needs telling; True if it ran."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True
