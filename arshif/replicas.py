"""Read replicas (DATABASE_REPLICA_URLS): readers' pages read from a replica, all else the primary.

Which work reads a replica is opted in by URL, never guessed per query: a GET or HEAD of the
public site (the `search` and `archive` URL namespaces: home, search, exports, feed, API,
article and entity pages; and the sitemaps) reads from one replica, picked at random per request.
Everything else reads the primary: the admin (an editor must see what they just saved), the
language switch, every management command, the worker and the import (no request at all), and
the tables of sign-in (`auth`, `sessions`) wherever they are read. Writes always go to the
primary, and migrations run there only: replicas copy the primary's schema.

A replica lags the primary by a moment (more under load). What a reader sees meanwhile:

- **Read your writes.** A client that sent a POST (or any unsafe method: a save in the admin,
  a sign-in) gets a cookie that sends its reads to the primary for
  DATABASE_REPLICA_STICKY_SECONDS; an editor who saves and then opens the article page sees the
  edit, on whichever web machine.
- **One replica per request.** A page reads one database from its first query to its last
  (streamed exports included), so it is consistent with itself: with the PostgreSQL search engine
  the search rows are in that database too, and a hit is an article that database holds.
- **Not there yet.** A page that answers 404 from a replica (an article just added, linked from
  a page the primary served) is answered again from the primary; a result whose article a
  replica lacks (the Whoosh index is ahead of it) is left out of the page, as a deleted one is.
- **A replica down** (refusing connections) is passed over for another, then the primary.

Each web process's search warm-up thread (arshif/wsgi.py) reads a replica too: read_a_replica().
"""

from __future__ import annotations

import contextvars
import logging
import random

import dj_database_url
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

POSTGRESQL = "django.db.backends.postgresql"
# A client that wrote holds this cookie for DATABASE_REPLICA_STICKY_SECONDS: it reads the primary.
STICKY_COOKIE = "arshif_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# URL namespaces and names whose GETs only read, for readers: they may read a replica.
REPLICA_NAMESPACES = {"search", "archive"}
REPLICA_URL_NAMES = {"sitemap-index", "sitemap-section"}
# Apps always read on the primary: a sign-in must be seen by the very next request.
PRIMARY_APPS = {"auth", "sessions", "admin"}

log = logging.getLogger(__name__)

# The database this request reads, when it reads a replica; None: the primary.
_reading: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "arshif_reading", default=None
)


def replica_databases(urls: list[str], primary: dict, **options) -> dict[str, dict]:
    """settings.DATABASES entries `replica_1`, `replica_2`, … for DATABASE_REPLICA_URLS, read as
    DATABASE_URL is (`options`: conn_max_age, …). Replicas need a PostgreSQL primary; an entry
    that is not a PostgreSQL URL stops start-up (named by position: a URL holds a password)."""
    if not urls:
        return {}
    if primary["ENGINE"] != POSTGRESQL:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS is set but DATABASE_URL is not a PostgreSQL database: "
            "read replicas are PostgreSQL streaming replicas of a PostgreSQL primary"
        )
    databases = {}
    for number, url in enumerate(urls, start=1):
        try:
            database = dj_database_url.parse(url, **options)
        except ValueError:
            database = {"ENGINE": None}
        if database.get("ENGINE") != POSTGRESQL:
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS: entry {number} is not a postgres://user:password@host"
                ":port/name URL (the entries are comma-separated PostgreSQL URLs)"
            )
        # Read as the primary is (server-side binding: arshif/settings.py).
        database["OPTIONS"] = {**primary.get("OPTIONS", {}), **database.get("OPTIONS", {})}
        # Tests never create databases on a replica: it is the primary's, read-only.
        database["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}
        databases[f"replica_{number}"] = database
    return databases


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


def reading_from() -> str | None:
    """The replica this request reads, or None (the primary)."""
    return _reading.get()


class ReplicaRouter:
    """Django's database router: reads where the request's scope says, writes on the primary."""

    def db_for_read(self, model, **hints):
        if model is not None and model._meta.app_label in PRIMARY_APPS:
            return DEFAULT_DB_ALIAS
        return _reading.get() or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every database here holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def _forget(**kwargs) -> None:
    _reading.set(None)


# A request's scope ends when its response is closed (after a streamed export's last row), and
# no request starts in the previous one's.
request_started.connect(_forget, dispatch_uid="arshif.replicas.started")
request_finished.connect(_forget, dispatch_uid="arshif.replicas.finished")


def _reachable(alias: str) -> bool:
    try:
        connections[alias].ensure_connection()
    except DatabaseError as error:
        log.warning("database %s cannot be reached, reading elsewhere: %s", alias, error)
        return False
    return True


def _pick(replicas: list[str]) -> str | None:
    """A reachable replica, picked at random; None when none is."""
    return next((a for a in random.sample(replicas, len(replicas)) if _reachable(a)), None)


def read_a_replica() -> None:
    """Send this thread's reads to a reachable replica (the primary when there is none): for
    work outside requests that readers' pages wait on, the search index's warm-up
    (search.service.keep_warm), whose reads would otherwise all load the primary.

    No request starts or ends in such a thread to close its connections as requests do: they
    are closed here when broken (a restarted server) or older than DATABASE_CONN_MAX_AGE.
    """
    for database in connections.all(initialized_only=True):
        database.close_if_unusable_or_obsolete()
    _reading.set(_pick(replica_aliases()))


class ReplicaMiddleware:
    """Sends a reader's request to a replica (see the module's docstring); last in MIDDLEWARE,
    so that it decides once the URL is resolved and wraps only the view."""

    def __init__(self, get_response):
        self.replicas = replica_aliases()
        if not self.replicas:
            raise MiddlewareNotUsed  # no replicas: every request reads the primary
        self.get_response = get_response
        self.sticky_seconds = settings.DATABASE_REPLICA_STICKY_SECONDS

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and getattr(request, "arshif_replica", None):
            # Maybe not on the replica yet: the primary has the last word.
            request.arshif_primary_only = True
            response = self.get_response(request)
        if request.method not in SAFE_METHODS and self.sticky_seconds:
            response.set_cookie(
                STICKY_COOKIE, "1", max_age=self.sticky_seconds, httponly=True, samesite="Lax"
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.arshif_replica = None
        _reading.set(None)
        if not self._may_read_a_replica(request):
            return None
        request.arshif_replica = _pick(self.replicas)
        _reading.set(request.arshif_replica)
        return None

    @staticmethod
    def _may_read_a_replica(request) -> bool:
        match = request.resolver_match
        return (
            request.method in SAFE_METHODS
            and STICKY_COOKIE not in request.COOKIES
            and not getattr(request, "arshif_primary_only", False)
            and match is not None
            and (match.namespace in REPLICA_NAMESPACES or match.url_name in REPLICA_URL_NAMES)
        )
