"""manage.py check_index — compare the search index with the database; --repair fixes drift."""

from django.core.management.base import BaseCommand, CommandError

from search.analysis import ANALYSIS_VERSION
from search.indexing.consistency import IndexReport, check_index, repair_index

# How many ids of each kind of drift the summary lists.
SHOWN_IDS = 10


def _ids(ids: list[int]) -> str:
    if not ids:
        return ""
    shown = ", ".join(str(pk) for pk in ids[:SHOWN_IDS])
    more = f", … ({len(ids) - SHOWN_IDS} more)" if len(ids) > SHOWN_IDS else ""
    return f"  (article ids {shown}{more})"


class Command(BaseCommand):
    help = (
        "Compare the search index with the database: articles missing from the index, stale "
        "documents (not what their article makes now), orphaned documents (no article) and the "
        "version of the text analysis the index was built with. Exits with status 1 on drift. "
        "With --repair, re-indexes what is missing or stale and removes orphans (or rebuilds "
        "the whole index when it is unreadable or from another analysis version), then checks "
        "again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="fix whatever drift is found")

    def handle(self, *args, **options):
        report = check_index()
        self.summarise(report)
        if report.drift and options["repair"]:
            applied = repair_index(report)
            how = "rebuilt" if report.needs_rebuild else "repaired"
            self.stdout.write(
                f"\nindex {how}: {applied} articles re-indexed (with any queued changes); "
                "checking again\n"
            )
            report = check_index()
            self.summarise(report)
        if report.drift:
            raise CommandError(
                "the search index does not agree with the database: "
                "run `manage.py check_index --repair`"
            )

    def summarise(self, report: IndexReport) -> None:
        write = self.stdout.write
        if report.unreadable:
            write(f"index unreadable:       {report.unreadable}")
        version = report.analysis_version
        written = "unrecorded" if version is None else str(version)
        note = "" if report.analysis_current else "  (old: the index must be rebuilt)"
        write(f"analysis version:       {written} (current: {ANALYSIS_VERSION}){note}")
        write(f"articles in database:   {report.articles}")
        write(f"documents in index:     {report.indexed}")
        write(f"missing from index:     {len(report.missing)}{_ids(report.missing)}")
        write(f"stale in index:         {len(report.stale)}{_ids(report.stale)}")
        write(f"orphaned (no article):  {len(report.orphaned)}{_ids(report.orphaned)}")
        write(f"queued changes:         {report.queued} (the worker or sync_index applies them)")
        if not report.drift:
            write("the index agrees with the database")
