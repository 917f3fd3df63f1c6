"""Several processes writing and deleting at once: the index ends up exactly like the database."""

import subprocess
import sys
import textwrap

import pytest
from django.db import connection
from django.test import Client

from archive.models import Article
from search.engine import get_engine
from search.indexing import process_pending
from tests.processes import ROOT, child_env

WRITER = textwrap.dedent(
    """
    import random, sys
    import django
    django.setup()
    from archive.models import Article
    from search.indexing import process_pending

    worker, count = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(worker)
    mine = []
    for n in range(count):
        article = Article(
            title=f"مقال العامل {worker} رقم {n}",
            blocks=[{"kind": "paragraph", "text": f"نص تجريبي {worker} {n} عن الحدود"}],
        )
        article.save()
        mine.append(article)
        if n % 3 == 2:  # delete one of ours
            victim = mine.pop(rng.randrange(len(mine)))
            victim.delete()
        if n % 4 == 3:  # edit one of ours
            edited = rng.choice(mine)
            edited.title = f"معدل {edited.title}"
            edited.save()
        if n % 5 == 4:  # every process also acts as an index writer now and then
            process_pending()
    process_pending()
    print("done", worker)
    """
)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_deleters_lose_nothing():
    connection.close()  # let the children have the database file to themselves
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(worker), "40"],
            cwd=ROOT,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(3)
    ]
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert out.startswith("done")
    process_pending()

    expected = dict(Article.objects.values_list("pk", "title"))
    assert len(expected) == 3 * (40 - 13)  # each writer deleted one in three
    backend = get_engine()
    searcher = backend._current().searcher
    indexed = {int(fields["django_id"]): fields for fields in searcher.all_stored_fields()}
    assert set(indexed) == set(expected)
    # Edits reached the index too: every edited title is findable by its new word.
    edited = {pk for pk, title in expected.items() if title.startswith("معدل")}
    assert edited
    found = Client().get("/api/search", {"q": "معدل", "page": 1}).json()
    assert found["count"] == len(edited)
    assert {r["id"] for r in found["results"]} <= edited
