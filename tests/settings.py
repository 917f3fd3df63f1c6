"""Settings for the test suite: the project's own, with a fresh data dir per test process.

Set before arshif.settings is imported, so the database, search index, originals and secret key
of a test run never touch var/ (each pytest-xdist worker imports this on its own: its own dir).

The database is SQLite in that dir, or the PostgreSQL server ARSHIF_TEST_DATABASE_URL names
(`make test-postgres` starts one): never DATABASE_URL, which may be a real archive's. Django's
test runner creates `test_<name>` there and drops it at the end.
"""

import atexit
import os
import shutil
import tempfile

os.environ["ARCHIVE_DATA_DIR"] = tempfile.mkdtemp(prefix="arshif-test-")
# The data dir is this run's alone: leave nothing behind in /tmp.
atexit.register(shutil.rmtree, os.environ["ARCHIVE_DATA_DIR"], ignore_errors=True)
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ["DATABASE_URL"] = os.environ.get("ARSHIF_TEST_DATABASE_URL", "")
# Never a real archive's replicas; tests/test_replicas.py gives its servers a replica of their own.
os.environ["DATABASE_REPLICA_URLS"] = ""

from arshif.settings import *
from arshif.settings import DATA_DIR, DATABASES, STATIC_ROOT

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so a gunicorn or worker started by a test can open the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
# The manifest storage needs collectstatic; tests render templates without it.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# WhiteNoise warns about a missing STATIC_ROOT; tests serve static files through the finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
