"""manage.py index_worker — the single index writer, run beside the web server.

Since background imports arrived it is the same process as `manage.py worker` (archive app): one
worker applies index changes and runs queued imports, so there is still one index writer.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Apply queued index changes (and run background imports) until stopped; see `worker`."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between polls when idle"
        )

    def handle(self, *args, **options):
        call_command(
            "worker", interval=options["interval"], stdout=self.stdout._out, stderr=self.stderr._out
        )
