"""Re-tagging after an admin edit of an entity, as a background task run by the worker.

Editing an entity's names may change the mentions of thousands of articles. Done in the admin's
request and transaction, it held SQLite's one writer for all of it and could outlast gunicorn's
timeout; here the admin only queues an EntityRetag (with its django-tasks task, in the same
transaction as the edit), and the worker (`manage.py worker`) re-tags the candidates in batches
of BATCH_SIZE, each batch in its own transaction, counting its progress on the EntityRetag.

- A later edit wins: scheduling supersedes any queued or running re-tagging of the entity,
  which stops before its next batch. The later one starts from the articles tagged with the
  entity at that moment, so none tagged by the earlier one is left behind.
- A killed worker leaves its re-tagging "running"; at the next start resume_interrupted()
  queues it again and it goes on after the last article of its last committed batch. Tagging an
  article is recomputed from its text and the current gazetteer, so a batch done twice changes
  nothing the second time: a rerun converges.
"""

from __future__ import annotations

import logging
import traceback

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from archive.models import Article
from search.entities.retag import candidate_ids, retag
from search.entities.tagging import invalidate
from search.models import EntityRetag

log = logging.getLogger(__name__)

BATCH_SIZE = 200
Status = EntityRetag.Status
_ACTIVE = (Status.QUEUED, Status.RUNNING)


def schedule(entity) -> EntityRetag:
    """Queue a re-tagging of the articles that may name `entity`, superseding earlier ones."""
    with transaction.atomic():
        EntityRetag.objects.filter(entity=entity, status__in=_ACTIVE).update(
            status=Status.SUPERSEDED, finished=timezone.now()
        )
        job = EntityRetag.objects.create(entity=entity)
        run_entity_retag.enqueue(job.pk)
    return job


@task()
def run_entity_retag(job_id: int) -> str:
    """The background task (django-tasks): re-tag for one EntityRetag."""
    return run(job_id)


def run(job_id: int, batch_size: int | None = None) -> str:
    """Re-tag the candidates of a queued EntityRetag, a batch per transaction."""
    batch_size = batch_size or BATCH_SIZE
    claimed = EntityRetag.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started=timezone.now()
    )
    job = EntityRetag.objects.select_related("entity").filter(pk=job_id).first()
    if job is None:  # its entity was deleted (with its re-taggings) before it ran
        return f"re-tagging {job_id} is gone with its entity; nothing to do"
    if not claimed:
        return f"re-tagging {job_id} is {job.status}; nothing to do"
    try:
        invalidate()  # this process's matcher must see the edit
        remaining = [pk for pk in candidate_ids(job.entity) if pk > job.last_article]
        EntityRetag.objects.filter(pk=job_id).update(total=job.done + len(remaining))
        for start in range(0, len(remaining), batch_size):
            if not EntityRetag.objects.filter(pk=job_id, status=Status.RUNNING).exists():
                return f"re-tagging {job_id} was superseded by a later edit"
            chunk = remaining[start : start + batch_size]
            with transaction.atomic():
                articles = Article.objects.filter(pk__in=chunk).prefetch_related("mentions")
                changed = retag(articles)
                EntityRetag.objects.filter(pk=job_id).update(
                    done=F("done") + len(chunk),
                    changed=F("changed") + changed,
                    last_article=chunk[-1],
                )
    except Exception:
        log.exception("re-tagging %s failed", job_id)
        EntityRetag.objects.filter(pk=job_id).update(
            status=Status.FAILED,
            finished=timezone.now(),
            error=traceback.format_exc(limit=5)[-4000:],
        )
        raise
    EntityRetag.objects.filter(pk=job_id, status=Status.RUNNING).update(
        status=Status.DONE, finished=timezone.now()
    )
    counts = EntityRetag.objects.filter(pk=job_id).values_list("done", "changed").first()
    if counts is None:  # its entity was deleted meanwhile
        return f"re-tagging {job_id} is gone with its entity"
    return f"re-tagged {counts[0]} articles: {counts[1]} changed"


def resume_interrupted() -> int:
    """Queue again the re-taggings a stopped worker left running (at worker start)."""
    interrupted = list(EntityRetag.objects.filter(status=Status.RUNNING))
    for job in interrupted:
        with transaction.atomic():
            EntityRetag.objects.filter(pk=job.pk).update(status=Status.QUEUED)
            run_entity_retag.enqueue(job.pk)
        log.info("re-tagging %s was interrupted: queued again", job.pk)
    return len(interrupted)


def progress(job: EntityRetag | None) -> str:
    """What the admin shows of an entity's latest re-tagging."""
    if job is None:
        return ""
    numbers = {"done": f"{job.done:,}", "total": f"{job.total:,}", "changed": f"{job.changed:,}"}
    if job.status == Status.QUEUED:
        return _("re-tagging queued")
    if job.status == Status.RUNNING:
        return _("re-tagging: %(done)s of %(total)s articles") % numbers
    if job.status == Status.DONE:
        return _("re-tagged %(done)s articles: %(changed)s changed") % numbers
    if job.status == Status.FAILED:
        return _("re-tagging failed after %(done)s of %(total)s articles") % numbers
    return job.get_status_display()
