"""The index queue: what the search index still has to learn about the database."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexTask(models.Model):
    """One pending index change, written in the same transaction as the change itself.

    Because the row commits (or rolls back) together with the article, the index can never miss
    a committed change nor learn about one that was rolled back. The single index writer
    (search.queue.process_pending) applies tasks in batches and deletes them.
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
