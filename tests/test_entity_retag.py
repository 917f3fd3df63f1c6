"""Editing an entity's names in the admin re-tags its articles in the worker, in batches.

The admin's request only queues the work (search.entities.jobs); the worker runs it the way it
runs background imports (archive.jobs.run_next_job, or a real `manage.py worker` process). A
later edit wins, and a worker killed in the middle goes on where it stopped when it restarts.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from archive import jobs as worker_jobs
from search.entities import jobs
from search.models import Entity, EntityRetag, Mention
from tests.processes import ROOT, child_env

BODY = "وصل الوفد إلى منطقة الكرامة الحدودية صباح اليوم."


@pytest.fixture(autouse=True)
def english(admin_client):
    """Messages are asserted in English (the interface is Arabic unless the browser asks)."""
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def karama(db):
    return Entity.objects.create(kind="place", key="karama", name_ar="كرامه", name_en="Karama")


@pytest.fixture
def five(make_article, indexed):
    articles = [make_article(f"وصول الوفد {n}", [BODY]) for n in range(5)]
    indexed()
    return articles


def edit(admin_client, entity, aliases, **fields):
    data = {
        "kind": entity.kind,
        "key": entity.key,
        "name_ar": entity.name_ar,
        "name_en": entity.name_en,
        "aliases": aliases,
        **fields,
    }
    return admin_client.post(f"/admin/search/entity/{entity.pk}/change/", data, follow=True)


def tagged(entity) -> set[int]:
    return set(Mention.objects.filter(entity=entity).values_list("article_id", flat=True))


def run_worker_jobs() -> int:
    ran = 0
    while worker_jobs.run_next_job():
        ran += 1
    return ran


def test_the_admin_save_only_queues_and_the_worker_tags(
    admin_client, karama, five, indexed, client
):
    response = edit(admin_client, karama, "الكرامة\nKarameh")
    assert response.status_code == 200
    html = response.content.decode()
    assert "re-tagged in the background by the worker" in html
    # Nothing was re-tagged in the request: it is queued.
    assert tagged(karama) == set()
    job = EntityRetag.objects.get(entity=karama)
    assert job.status == "queued"
    page = admin_client.get(f"/admin/search/entity/{karama.pk}/change/").content.decode()
    assert "re-tagging queued" in page

    assert run_worker_jobs() == 1  # as the worker does between index rounds
    assert tagged(karama) == {a.pk for a in five}
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.changed) == ("done", 5, 5, 5)
    listing = admin_client.get("/admin/search/entity/", {"q": "karama"}).content.decode()
    assert "re-tagged 5 articles: 5 changed" in listing

    # The index follows: the entity's facet and filter find the articles.
    indexed()
    found = client.get("/api/search", {"place": "karama"}).json()
    assert found["count"] == 5
    facet = {f["value"]: f["count"] for f in client.get("/api/search").json()["facets"]["place"]}
    assert facet["karama"] == 5


def test_an_edit_that_leaves_the_names_alone_queues_nothing(admin_client, karama):
    edit(admin_client, karama, "", name_en="Karama")
    assert not EntityRetag.objects.exists()


def test_batches_commit_one_by_one_and_a_killed_run_goes_on_where_it_stopped(
    admin_client, karama, five, monkeypatch
):
    monkeypatch.setattr(jobs, "BATCH_SIZE", 2)
    edit(admin_client, karama, "الكرامة")
    job = EntityRetag.objects.get(entity=karama)

    class Killed(BaseException):
        """What SIGKILL leaves: no handler runs, the re-tagging stays "running"."""

    real_retag = jobs.retag
    calls = []

    def dies_on_the_second_batch(articles):
        calls.append(1)
        if len(calls) == 2:
            raise Killed
        return real_retag(articles)

    monkeypatch.setattr(jobs, "retag", dies_on_the_second_batch)
    with pytest.raises(Killed):
        jobs.run(job.pk)
    job.refresh_from_db()
    # The first batch committed; the second rolled back with the process.
    first_two = sorted(a.pk for a in five)[:2]
    assert (job.status, job.done, job.total, job.last_article) == ("running", 2, 5, first_two[1])
    assert tagged(karama) == set(first_two)

    monkeypatch.setattr(jobs, "retag", real_retag)
    assert jobs.resume_interrupted() == 1  # at the worker's next start
    run_worker_jobs()
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.changed) == ("done", 5, 5, 5)
    assert tagged(karama) == {a.pk for a in five}


def test_a_later_edit_wins_and_loses_no_tag(
    admin_client, karama, make_article, indexed, monkeypatch
):
    """The second edit lands while the first re-tagging is half done: the first stops, the
    second untags what the first tagged under the name since removed, and tags the new one."""
    monkeypatch.setattr(jobs, "BATCH_SIZE", 2)
    old_name = [make_article(f"وصول الوفد {n}", [BODY]) for n in range(4)]
    new_name = make_article("زيارة", ["زار الوفد بلدة Karameh الحدودية."])
    indexed()
    edit(admin_client, karama, "الكرامة")
    first = EntityRetag.objects.get(entity=karama)

    real_retag = jobs.retag
    calls = []

    def second_edit_after_the_first_batch(articles):
        changed = real_retag(articles)
        calls.append(1)
        if len(calls) == 1:
            karama.refresh_from_db()
            karama.aliases = "Karameh"
            karama.save()
            jobs.schedule(karama)  # what the admin does on the second save
        return changed

    monkeypatch.setattr(jobs, "retag", second_edit_after_the_first_batch)
    assert "superseded" in jobs.run(first.pk)
    assert len(tagged(karama) & {a.pk for a in old_name}) == 2  # its first batch only
    monkeypatch.setattr(jobs, "retag", real_retag)
    run_worker_jobs()
    first.refresh_from_db()
    second = EntityRetag.objects.exclude(pk=first.pk).get()
    assert (first.status, second.status) == ("superseded", "done")
    # Exactly what tagging every article afresh gives: the new name's article, none other.
    assert tagged(karama) == {new_name.pk}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_retags_after_an_admin_edit(admin_client, karama, five):
    from django.db import connection
    from django.test import Client

    edit(admin_client, karama, "الكرامة")
    assert tagged(karama) == set()
    connection.close()
    worker = subprocess.run(
        [sys.executable, "manage.py", "worker", "--interval", "0.2", "--stop-after", "6"],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr
    assert EntityRetag.objects.get().status == "done", worker.stderr[-2000:]
    assert tagged(karama) == {a.pk for a in five}
    # The worker also applied the index changes the re-tagging queued.
    assert Client().get("/api/search", {"place": "karama"}).json()["count"] == 5


def test_an_entity_deleted_before_its_retagging_ran_leaves_no_failed_job(
    admin_client, karama, five
):
    from django_tasks_db.models import DBTaskResult

    edit(admin_client, karama, "الكرامة")
    response = admin_client.post(
        f"/admin/search/entity/{karama.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200 and not Entity.objects.filter(pk=karama.pk).exists()
    assert run_worker_jobs() == 1
    # Nothing to re-tag: the worker's job ends without an error (no traceback in its log).
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"]
