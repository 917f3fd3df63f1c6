"""Arshif settings: every deploy-time value comes from the environment (see README)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from arshif.env import env_bool, env_int, env_list, env_path, env_str
from arshif.secret_key import kept_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("ARCHIVE_DATA_DIR", BASE_DIR / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)

# From the environment, else generated once and kept in the data dir (arshif/secret_key.py).
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or kept_secret_key(DATA_DIR / "secret_key")
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
    "archive",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers (gunicorn workers) go on while the index worker or an import writes;
    # IMMEDIATE transactions avoid "database is locked" on lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

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

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

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

# Per-file limit for imports and uploads, in bytes.
ARCHIVE_MAX_FILE_BYTES = env_int("ARCHIVE_MAX_FILE_MB", 20, minimum=1) * 1024 * 1024
# Zip and gzip (.warc.gz) archives: at most this many files, this much once unpacked (nested zips
# included), and no entry expanding more than this many times its compressed size (zip bombs).
ARCHIVE_ZIP_MAX_FILES = env_int("ARCHIVE_ZIP_MAX_FILES", 5000, minimum=1)
ARCHIVE_MAX_UNPACKED_BYTES = env_int("ARCHIVE_MAX_UNPACKED_MB", 200, minimum=1) * 1024 * 1024
ARCHIVE_MAX_COMPRESSION_RATIO = env_int("ARCHIVE_MAX_COMPRESSION_RATIO", 100, minimum=2)
# Admin uploads up to this size (all files together) are imported during the request; larger
# ones go to the background worker. Previews check at most ARCHIVE_PREVIEW_RECORDS records.
ARCHIVE_INLINE_IMPORT_BYTES = env_int("ARCHIVE_INLINE_IMPORT_KB", 512, minimum=0) * 1024
ARCHIVE_PREVIEW_RECORDS = env_int("ARCHIVE_PREVIEW_RECORDS", 200, minimum=1)
# One admin upload may hold this many files (zip larger folders).
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("ARCHIVE_UPLOAD_MAX_FILES", 500, minimum=1)
ARCHIVE_PAGE_SIZE = env_int("ARCHIVE_PAGE_SIZE", 20, minimum=1)
# The most articles a merge of index segments takes in a commit someone waits for (TieredMerge,
# search/engine/whoosh/): a merge holds the index writer for about 3.5 ms an article. The idle
# worker's merges have no cap (size tiers), so large segments are merged too.
ARCHIVE_INDEX_MERGE_ARTICLES = env_int("ARCHIVE_INDEX_MERGE_ARTICLES", 10_000, minimum=100)

# Background jobs (large admin uploads) are rows in the database, run by the one worker process
# (`manage.py worker`, started by `make run`) that also applies index changes.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
