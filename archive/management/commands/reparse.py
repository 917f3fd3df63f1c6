"""manage.py reparse — run the parsers again over the stored originals, after a parser change."""

from django.core.management.base import BaseCommand, CommandError

from archive.ingest import records
from archive.ingest.decode import UnreadableFile
from archive.ingest.fields import Defaults
from archive.ingest.formats import STREAMED, parse_original
from archive.ingest.plaintext import NoArticleError
from archive.ingest.report import FAILED, IMPORTED, SKIPPED, UPDATED, Outcome
from archive.ingest.store import ArticleStore, original_file
from archive.models import Original
from search.indexing import process_pending


class Command(BaseCommand):
    help = (
        "Parse every stored original file again and update its articles in place (same ids). "
        "Fields an editor changed by hand are overwritten by what the parser now reads; the "
        "source, section and language an import gave by default are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )
        parser.add_argument(
            "--format", action="append", default=[], help="only originals of this format"
        )
        parser.add_argument(
            "--original", action="append", type=int, default=[], help="only this original (id)"
        )

    def handle(self, *args, **options):
        originals = Original.objects.order_by("pk")
        if options["format"]:
            originals = originals.filter(format__in=options["format"])
        if options["original"]:
            originals = originals.filter(pk__in=options["original"])
        store = ArticleStore(dry_run=options["dry_run"])
        outcomes: list[Outcome] = []
        for original in originals.iterator(chunk_size=100):
            outcomes.extend(self._reparse(store, original))
        verbosity = options["verbosity"]
        for outcome in outcomes:
            if outcome.status == FAILED:
                self.stderr.write(f"{outcome.name}: {outcome.message}")
            elif verbosity >= 2 or (outcome.status != SKIPPED and verbosity >= 1):
                detail = f" ({outcome.message})" if outcome.message else ""
                self.stdout.write(f"{outcome.name}: {outcome.status}{detail}")
        if not options["dry_run"]:
            process_pending()
        counts = {status: 0 for status in (UPDATED, SKIPPED, IMPORTED, FAILED)}
        for outcome in outcomes:
            counts[outcome.status] += 1
        prefix = "dry run: would have " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}updated {counts[UPDATED]}, unchanged {counts[SKIPPED]}, "
            f"imported {counts[IMPORTED]}, failed {counts[FAILED]}"
        )
        if counts[FAILED]:
            raise CommandError(f"{counts[FAILED]} failed", returncode=1)

    def _reparse(self, store: ArticleStore, original: Original) -> list[Outcome]:
        name = f"original #{original.pk} {original.filename}"
        articles = {article.original_record: article for article in original.articles.all()}
        sample = next(iter(articles.values()), None)
        language = sample.language if sample else ""
        try:
            items = parse_original(original, language)
        except (UnreadableFile, records.RecordError, NoArticleError, ValueError) as error:
            return [Outcome(name, FAILED, f"{error} (its articles are left as they were)")]
        if len(items) == 1 and len(articles) == 1:
            # A record's own original (one line of a JSON Lines file, the header and one
            # record of a CSV): it is read as record 1, its article was on its line of the file.
            (number,) = articles
            if number != items[0].number and original.format in STREAMED:
                items[0].number, items[0].position = number, f"line {number}"
        source = original_file(original)
        outcomes = []
        for item in items:
            label = f"{name} ({item.position})" if item.position else name
            if item.article is None:
                outcomes.append(Outcome(label, FAILED, item.error or "no article"))
                continue
            existing = articles.get(item.number)
            model = existing or sample
            defaults = Defaults(
                source=model.source.name if model and model.source else "",
                section=model.section if model else "",
                language=model.language if model else "",
            )
            outcome = store.store(
                item.article,
                source,
                item.number,
                label=label,
                existing=existing,
                defaults=defaults,
            )
            outcomes.append(outcome)
        return outcomes
