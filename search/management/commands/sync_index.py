"""manage.py sync_index — bring the search index up to date with the database, then exit."""

from django.core.management.base import BaseCommand

from archive.dbstats import refresh_planner_statistics
from archive.models import Article
from search.engine import get_engine
from search.indexing import process_pending, rebuild_queue


class Command(BaseCommand):
    help = (
        "Apply every queued index change; then, if the index still does not hold exactly as many "
        "articles as the database (a new, wiped or stale index), re-index all of them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="re-index every article")

    def handle(self, *args, **options):
        engine = get_engine()
        applied = process_pending()
        refresh_planner_statistics()
        articles = Article.objects.count()
        if options["rebuild"] or engine.count() != articles:
            self.stdout.write(f"re-indexing all {rebuild_queue()} articles")
            applied += process_pending()
        self.stdout.write(
            f"index up to date: {applied} changes applied, "
            f"{engine.count()} of {articles} articles searchable"
        )
