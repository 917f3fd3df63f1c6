"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arshif.settings")
application = get_wsgi_application()

# Each gunicorn worker reads the search index's new segments in the background, not in a request;
# with read replicas, from one of them, as readers' searches do.
from arshif.replicas import read_a_replica  # noqa: E402  (needs the app registry loaded above)
from search.service import keep_warm  # noqa: E402

keep_warm(choose_database=read_a_replica)
