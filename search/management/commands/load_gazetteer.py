"""manage.py load_gazetteer — load the reviewed gazetteer files into the Entity table."""

from django.core.management.base import BaseCommand
from django.db import transaction

from search.entities.gazetteer import load_entities
from search.models import Entity


class Command(BaseCommand):
    help = (
        "Create the gazetteer's entities from search/entities/gazetteer/. Existing entities keep "
        "their names and gain any new aliases from the files; aliases added in the admin are kept. "
        "Idempotent. Run retag_articles afterwards to apply changes to existing articles."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--replace", action="store_true", help="overwrite names and aliases with the files'"
        )
        parser.add_argument("--dry-run", action="store_true", help="report, change nothing")

    def handle(self, *args, **options):
        created = updated = 0
        with transaction.atomic():
            existing = {(e.kind, e.key): e for e in Entity.objects.all()}
            new = []
            for item in load_entities():
                key = item.key.split(":", 1)[-1]
                row = existing.get((item.kind, key))
                if row is None:
                    new.append(
                        Entity(
                            kind=item.kind,
                            key=key,
                            name_ar=item.name_ar,
                            name_en=item.name_en,
                            aliases="\n".join(item.aliases),
                        )
                    )
                    continue
                if options["replace"]:
                    aliases = list(item.aliases)
                    names = (item.name_ar, item.name_en)
                else:
                    aliases = list(dict.fromkeys([*row.alias_list(), *item.aliases]))
                    names = (row.name_ar, row.name_en)
                if aliases != row.alias_list() or names != (row.name_ar, row.name_en):
                    row.name_ar, row.name_en = names
                    row.aliases = "\n".join(aliases)
                    row.save()
                    updated += 1
            created = len(Entity.objects.bulk_create(new))
            total = Entity.objects.count()
            if options["dry_run"]:
                transaction.set_rollback(True)
        if options["dry_run"]:
            self.stdout.write(
                f"dry run: gazetteer: {created} entities would be created, {updated} updated, "
                f"{total} in all; nothing was changed"
            )
        else:
            self.stdout.write(
                f"gazetteer: {created} entities created, {updated} updated, {total} in all"
            )
