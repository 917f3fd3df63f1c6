"""manage.py index_worker — the single index writer, run beside the web server."""

from django.core.management.base import BaseCommand

from search.queue import run_worker


class Command(BaseCommand):
    help = "Apply queued index changes in batches as they are committed, until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between polls when idle"
        )

    def handle(self, *args, **options):
        self.stdout.write("index worker: waiting for changes (Ctrl-C to stop)")
        try:
            run_worker(interval=options["interval"])
        except KeyboardInterrupt:
            self.stdout.write("index worker: stopped")
