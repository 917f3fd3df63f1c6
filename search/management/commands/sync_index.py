"""manage.py sync_index — bring the search index up to date with the database, then exit."""

from django.core.management.base import BaseCommand

from archive.dbstats import refresh_planner_statistics
from archive.models import Article
from search.analysis import ANALYSIS_VERSION
from search.engine import get_engine
from search.indexing import process_pending, rebuild_queue, writer_lock


class Command(BaseCommand):
    help = (
        "Apply every queued index change; then, if the index still does not hold exactly as many "
        "articles as the database (a new, wiped or stale index), re-index all of them. With "
        "--rebuild, when the index holds articles the database no longer has, or when it was "
        "built with another version of the text analysis, the index is emptied first and "
        "rebuilt from the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="empty the index and re-index every article"
        )

    def handle(self, *args, **options):
        engine = get_engine()
        version = engine.analysis_version()
        # An index analysed otherwise (e.g. before broken plurals were indexed with their
        # singulars) finds less than it should until every article goes through again.
        reanalyse = version != ANALYSIS_VERSION
        if reanalyse:
            built = "an unrecorded version" if version is None else f"version {version}"
            self.stdout.write(
                f"the index was built with {built} of the text analysis, "
                f"this is version {ANALYSIS_VERSION}: rebuilding it"
            )
        applied = process_pending()
        refresh_planner_statistics()
        articles = Article.objects.count()
        indexed = engine.count()
        if options["rebuild"] or reanalyse or indexed > articles:
            # Documents of articles gone from the database cannot be found one by one from the
            # database: only starting again removes them.
            with writer_lock():
                engine.clear()
            self.stdout.write(f"index emptied: re-indexing all {rebuild_queue()} articles")
            applied += process_pending()
        elif indexed != articles:
            self.stdout.write(f"re-indexing all {rebuild_queue()} articles")
            applied += process_pending()
        self.stdout.write(
            f"index up to date: {applied} changes applied, "
            f"{engine.count()} of {articles} articles searchable"
        )
