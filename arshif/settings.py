"""Arshif settings: every deploy-time value comes from the environment (see README)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from arshif.deploy import HSTS_DEFAULT_SECONDS, proxy_ssl_header
from arshif.env import env_bool, env_int, env_list, env_path, env_str
from arshif.replicas import replica_databases
from arshif.secret_key import secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("ARCHIVE_DATA_DIR", BASE_DIR / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "haystack",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "archive",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside every middleware that may answer by itself (the upload size refusal below), so
    # every page of ours carries the policy; static files (WhiteNoise, above) need none.
    "arshif.csp.ContentSecurityPolicyMiddleware",
    # Before anything reads the body (the CSRF check does): an oversized upload is refused unread.
    "arshif.limits.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A damaged or missing search index: 503 and a plain message, not a server error.
    "search.web.middleware.IndexUnavailableMiddleware",
    # After every other middleware that looks at the response, as django-axes asks: it turns a
    # locked-out login into the lockout page. Only the replica switch, which wraps just the
    # view, comes after it.
    "axes.middleware.AxesMiddleware",
    # Last: decides, once the URL is resolved, whether the view reads a replica.
    "arshif.replicas.ReplicaMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out client before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "arshif.urls"
WSGI_APPLICATION = "arshif.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'arshif.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
        # A kept connection to a database server that restarted meanwhile is replaced, not used.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters sent apart from the statement (psycopg's server-side binding), not quoted
    # into it in Python: an import's statements carry each article's text two or three times
    # and its original bytes, and quoting them was a sixth of the importer's time (99 → 117
    # articles/s on 20,000). Prepared statements stay off (Django's default), so connection
    # poolers keep working.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers (gunicorn workers) go on while the index worker or an import writes;
    # IMMEDIATE transactions avoid "database is locked" on lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# Read replicas of a PostgreSQL primary, `replica_1`, `replica_2`, …: readers' pages read them,
# everything else the primary (arshif/replicas.py says what and why).
DATABASES.update(
    replica_databases(
        env_list("DATABASE_REPLICA_URLS", []),
        DATABASES["default"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
)
DATABASE_ROUTERS = ["arshif.replicas.ReplicaRouter"]
# A client that wrote (POST, …) reads the primary this long: it sees its writes, replicas lag.
DATABASE_REPLICA_STICKY_SECONDS = env_int("DATABASE_REPLICA_STICKY_SECONDS", 15, minimum=0)

# From the environment; else, on one machine (SQLite), generated once and kept in the data dir
# (arshif/secret_key.py). On PostgreSQL the archive may be served by several machines, which must
# all sign sessions and CSRF tokens with one key: it has to be given.
SECRET_KEY = secret_key(
    env_str("DJANGO_SECRET_KEY"),
    DATA_DIR / "secret_key",
    shared_database=DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers per language (Western digits, "," grouping, "6 فبراير 2019").
FORMAT_MODULE_PATH = ["search.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security (README "Running in production") ----------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Links out (an article's source) carry no path or query of ours; same-origin ones keep theirs.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# One switch for a site served over HTTPS: secure cookies, redirect to https, HSTS. Off by
# default so `make run` keeps serving plain http on loopback; each part can be overridden.
HTTPS = env_bool("ARSHIF_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("ARSHIF_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int(
    "ARSHIF_HSTS_SECONDS", HSTS_DEFAULT_SECONDS if HTTPS else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ARSHIF_HSTS_SUBDOMAINS", HTTPS)
# Preloading is a promise to browsers' built-in lists that is slow to take back: opt-in.
SECURE_HSTS_PRELOAD = env_bool("ARSHIF_HSTS_PRELOAD", False)
# Behind a proxy that terminates TLS: the header it sets to "https" (e.g. X-Forwarded-Proto).
# Opt-in: without such a proxy, any client could send the header and pass for HTTPS.
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(env_str("ARSHIF_PROXY_SSL_HEADER"))
# Reverse proxies in front that append to X-Forwarded-For (the client's address for login
# throttling); 0 means REMOTE_ADDR is the client.
ARSHIF_PROXY_COUNT = env_int("ARSHIF_PROXY_COUNT", 0, minimum=0)

# Admin login throttling (django-axes): failures are rows in the database, so every web machine
# and worker process sees the same count. After ARSHIF_LOGIN_FAILURE_LIMIT failures from one
# address, that address cannot log in for ARSHIF_LOGIN_COOLOFF_MINUTES. By address and not by
# user name, so nobody can lock an editor out by typing their name wrongly from elsewhere.
AXES_FAILURE_LIMIT = env_int("ARSHIF_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ARSHIF_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "arshif.deploy.request_client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_RESET_ON_SUCCESS = False
# Keep the successful-login log out of the database; failures are what throttling needs.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Content-Security-Policy (arshif/csp.py): only our own files; no inline script or style.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# --- Search -------------------------------------------------------------------------------------


def _search_connection(url: str) -> dict:
    """Map SEARCH_URL to the engine that serves search; empty means the embedded Whoosh index,
    `postgres:` the PostgreSQL engine in the database itself (DATABASE_URL)."""
    if not url or url.startswith(("whoosh://", "/", ".")):
        path = url.removeprefix("whoosh://") if url else str(DATA_DIR / "index")
        return {"ENGINE": "search.engine.whoosh.backend.ArabicWhooshEngine", "PATH": path}
    if url in ("postgres:", "postgresql:"):
        if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured(
                f"SEARCH_URL {url!r} searches the database itself, which must then be "
                "PostgreSQL: set DATABASE_URL to a postgres://... database, or leave SEARCH_URL "
                "empty for the embedded index"
            )
        return {"ENGINE": "search.engine.postgres.backend.PostgresEngine", "DATABASE": "default"}
    if url.startswith(("postgres:", "postgresql:")):
        raise ImproperlyConfigured(
            f"SEARCH_URL {url!r} is not understood: postgres: (nothing after it) searches the "
            "DATABASE_URL database; another database cannot be given"
        )
    raise ImproperlyConfigured(
        f"SEARCH_URL {url!r} is not understood: leave it empty for the embedded index in the "
        "data dir, give whoosh:///path/to/index, or postgres: to search the PostgreSQL "
        "database itself"
    )


HAYSTACK_CONNECTIONS = {"default": _search_connection(env_str("SEARCH_URL"))}
# Index writes go through the outbox (search.indexing), never from a web request.
HAYSTACK_SIGNAL_PROCESSOR = "search.indexing.outbox.QueueSignalProcessor"

# --- Archive ------------------------------------------------------------------------------------

# Per-file limit for imports and uploads, in bytes. JSON Lines and CSV files given to
# import_articles are read record by record and have no size limit: each record has this one.
ARCHIVE_MAX_FILE_BYTES = env_int("ARCHIVE_MAX_FILE_MB", 20, minimum=1) * 1024 * 1024
ARCHIVE_MAX_RECORD_BYTES = env_int("ARCHIVE_MAX_RECORD_MB", 5, minimum=1) * 1024 * 1024
# Zip and gzip (.warc.gz) archives: at most this many files, this much once unpacked (nested zips
# included), and no entry expanding more than this many times its compressed size (zip bombs).
ARCHIVE_ZIP_MAX_FILES = env_int("ARCHIVE_ZIP_MAX_FILES", 5000, minimum=1)
ARCHIVE_MAX_UNPACKED_BYTES = env_int("ARCHIVE_MAX_UNPACKED_MB", 200, minimum=1) * 1024 * 1024
ARCHIVE_MAX_COMPRESSION_RATIO = env_int("ARCHIVE_MAX_COMPRESSION_RATIO", 100, minimum=2)
# Admin uploads up to this size (all files together) are imported during the request; larger
# ones go to the background worker. Previews check at most ARCHIVE_PREVIEW_RECORDS records.
ARCHIVE_INLINE_IMPORT_BYTES = env_int("ARCHIVE_INLINE_IMPORT_KB", 512, minimum=0) * 1024
ARCHIVE_PREVIEW_RECORDS = env_int("ARCHIVE_PREVIEW_RECORDS", 200, minimum=1)
# One admin upload may hold this many files (zip larger folders) and this many bytes in all
# (checked from Content-Length before the body is read, arshif/limits.py). The default leaves
# room for a zip as large as ARCHIVE_MAX_UNPACKED_MB; a proxy in front should allow as much.
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("ARCHIVE_UPLOAD_MAX_FILES", 500, minimum=1)
ARCHIVE_UPLOAD_MAX_BYTES = env_int("ARCHIVE_UPLOAD_MAX_MB", 256, minimum=1) * 1024 * 1024
# Form data besides files (Django's default, named here): 2.5 MB. Uploaded files over
# FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file rather than memory while a request lasts.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
ARCHIVE_PAGE_SIZE = env_int("ARCHIVE_PAGE_SIZE", 20, minimum=1)
# Limits that keep one request from pinning a web worker (docs/reference.md#limits): how deep a
# results page may start (in results: page 50 of 20), and how many rows one export holds, for
# anyone and for a signed-in staff member.
ARCHIVE_MAX_PAGE_DEPTH = env_int("ARCHIVE_MAX_PAGE_DEPTH", 1000, minimum=1)
ARCHIVE_EXPORT_MAX_ROWS = env_int("ARCHIVE_EXPORT_MAX_ROWS", 2000, minimum=1)
ARCHIVE_EXPORT_MAX_ROWS_STAFF = env_int("ARCHIVE_EXPORT_MAX_ROWS_STAFF", 10_000, minimum=1)
# The most articles a merge of index segments takes in a commit someone waits for (TieredMerge,
# search/engine/whoosh/): a merge holds the index writer for about 3.5 ms an article. The idle
# worker's merges have no cap (size tiers), so large segments are merged too.
ARCHIVE_INDEX_MERGE_ARTICLES = env_int("ARCHIVE_INDEX_MERGE_ARTICLES", 10_000, minimum=100)
# Where `manage.py backup`/`restore` find pg_dump and pg_restore on PostgreSQL; empty: the newest
# of PATH and /usr/lib/postgresql/*/bin (they must be at least the server's major version).
ARCHIVE_PG_BIN = env_str("ARCHIVE_PG_BIN")

# Background jobs (large admin uploads) are rows in the database, run by the one worker process
# (`manage.py worker`, started by `make run`) that also applies index changes.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
