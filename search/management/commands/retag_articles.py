"""manage.py retag_articles — re-tag every article after the gazetteer changed."""

from django.core.management.base import BaseCommand

from archive.models import Article
from search.entities.retag import retag
from search.indexing import process_pending

BATCH = 500


class Command(BaseCommand):
    help = "Match every article against the gazetteer again; changed articles are re-indexed."

    def handle(self, *args, **options):
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        changed = 0
        for start in range(0, len(ids), BATCH):
            batch = Article.objects.filter(pk__in=ids[start : start + BATCH]).prefetch_related(
                "mentions"
            )
            changed += retag(batch)
        process_pending()
        self.stdout.write(f"re-tagged {len(ids)} articles: {changed} changed")
