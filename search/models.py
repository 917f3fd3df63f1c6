"""The index queue: what the search index still has to learn about the database."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexTask(models.Model):
    """One pending index change, written in the same transaction as the change itself.

    Because the row commits (or rolls back) together with the article, the index can never miss
    a committed change nor learn about one that was rolled back. The single index writer
    (search.indexing.process_pending) applies tasks in batches and deletes them.
    """

    # Not a foreign key: the task for a deleted article must outlive it. The writer looks the
    # article up when it applies the task: present means (re)index it, absent means remove it.
    article_id = models.BigIntegerField(_("article id"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("index task")
        verbose_name_plural = _("index tasks")

    def __str__(self) -> str:
        return f"article {self.article_id}"


class EntityQuerySet(models.QuerySet):
    def with_article_counts(self):
        return self.annotate(article_count=models.Count("mentions"))


class Entity(models.Model):
    """A place, person or organisation from the gazetteer, with every name it goes by.

    Loaded from the reviewed data files in search/entities/gazetteer/ (load_gazetteer) and
    editable in the admin; tagging matches articles against the names and aliases held here.
    """

    class Kind(models.TextChoices):
        PLACE = "place", _("place")
        PERSON = "person", _("person")
        ORG = "org", _("organisation")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Stable within its kind (syria, isis, donald-trump): the facet value and the URL.
    key = models.SlugField(_("key"), max_length=120)
    name_ar = models.CharField(_("Arabic name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300)
    # One alias per line: spellings, transliterations, acronyms, former names, in any script.
    aliases = models.TextField(_("aliases"), blank=True, help_text=_("One name per line."))
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = EntityQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name_en"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="entity_key_per_kind")]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")

    def __str__(self) -> str:
        return f"{self.name_en} · {self.name_ar}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("search:entity", kwargs={"kind": self.kind, "key": self.key})

    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @staticmethod
    def label_field(language: str) -> str:
        """The column naming an entity in the interface language."""
        return "name_ar" if language == "ar" else "name_en"

    def label(self, language: str) -> str:
        return getattr(self, self.label_field(language))


class Mention(models.Model):
    """How often an article names an entity (by any of its names)."""

    # No index of its own: one_mention_row's (article, entity) index serves look-ups by article,
    # and a third index on ~40 rows an article made every import insert slower.
    article = models.ForeignKey(
        "archive.Article", on_delete=models.CASCADE, related_name="mentions", db_index=False
    )
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    count = models.PositiveIntegerField(_("mentions"), default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "entity"], name="one_mention_row"),
        ]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")

    def __str__(self) -> str:
        return f"{self.entity.kind}:{self.entity.key} ×{self.count}"


class EntityRetag(models.Model):
    """One re-tagging of the articles that may name an entity, after its names were edited.

    Run by the worker in batches (search.entities.jobs), each batch in its own transaction, so
    an edit in the admin returns at once and no request holds the database's writer. Only the
    latest re-tagging of an entity runs to the end: a newer one supersedes it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        SUPERSEDED = "superseded", _("superseded by a later edit")
        FAILED = "failed", _("failed")

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="retags")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("articles to re-tag"), default=0)
    done = models.PositiveIntegerField(_("articles re-tagged"), default=0)
    changed = models.PositiveIntegerField(_("articles changed"), default=0)
    # Candidates are re-tagged in id order: an interrupted run goes on after this article.
    last_article = models.BigIntegerField(default=0)
    error = models.TextField(blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("entity re-tagging")
        verbose_name_plural = _("entity re-taggings")

    def __str__(self) -> str:
        return f"{self.entity_id}: {self.status} {self.done}/{self.total}"
