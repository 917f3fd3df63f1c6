"""Settings for the test suite: the project's own, with a fresh data dir per test process.

Set before arshif.settings is imported, so the database, search index, originals and secret key
of a test run never touch var/ (each pytest-xdist worker imports this on its own: its own dir).
"""

import atexit
import os
import shutil
import tempfile

os.environ["ARCHIVE_DATA_DIR"] = tempfile.mkdtemp(prefix="arshif-test-")
# The data dir is this run's alone: leave nothing behind in /tmp.
atexit.register(shutil.rmtree, os.environ["ARCHIVE_DATA_DIR"], ignore_errors=True)
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")

from arshif.settings import *
from arshif.settings import DATA_DIR, DATABASES, STATIC_ROOT

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
