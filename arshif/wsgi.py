"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arshif.settings")
application = get_wsgi_application()

# Each gunicorn worker reads the search index's new segments in the background, not in a request.
from search.service import keep_warm  # noqa: E402  (needs the app registry loaded above)

keep_warm()
