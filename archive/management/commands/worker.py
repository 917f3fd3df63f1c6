"""manage.py worker — the one background process: index updates and background imports."""

from django.core.management.base import BaseCommand

from archive.jobs import resume_interrupted, run_next_job
from search.entities import jobs as entity_jobs
from search.indexing import run_worker


class Command(BaseCommand):
    help = (
        "Apply queued index changes as they are committed and run background imports "
        "(large admin uploads), until stopped. Run exactly one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between polls when idle"
        )
        parser.add_argument(
            "--stop-after", type=float, default=None, help="exit after this many seconds (tests)"
        )

    def handle(self, *args, **options):
        self.stdout.write("worker: index updates and imports (Ctrl-C to stop)")
        resumed = resume_interrupted()
        if resumed:
            self.stdout.write(f"worker: {resumed} interrupted import(s) queued again")
        retags = entity_jobs.resume_interrupted()
        if retags:
            self.stdout.write(f"worker: {retags} interrupted re-tagging(s) queued again")
        try:
            run_worker(
                interval=options["interval"], stop_after=options["stop_after"], jobs=run_next_job
            )
        except KeyboardInterrupt:
            self.stdout.write("worker: stopped")
