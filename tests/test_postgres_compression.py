"""On PostgreSQL an imported article's text and its original's bytes are compressed with lz4
(archive/migrations/0005), and read back as they were written."""

import pytest
from django.db import connection

from archive.ingest.records import article_from_record
from archive.ingest.store import ArticleStore, OriginalFile
from archive.models import Article, Original

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs the test database on PostgreSQL"
)


@pytest.mark.django_db
def test_an_imported_article_and_its_original_are_compressed_with_lz4():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        if not cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL was built without lz4")
    paragraph = " ".join(
        ["قالت مصادر محلية إن القصف استهدف أحياء المدينة الشرقية صباح اليوم."] * 60
    )
    record = {"title": "قصف على الأحياء الشرقية", "body": "\n\n".join([paragraph] * 3)}
    data = str(record).encode()
    outcome = ArticleStore().store(
        article_from_record(record), OriginalFile("report.json", data, "json"), None
    )
    article = Article.objects.get(pk=outcome.article_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(blocks), pg_column_compression(body),"
            " pg_column_compression(o.content) FROM archive_article a"
            " JOIN archive_original o ON o.id = a.original_id WHERE a.id = %s",
            [article.pk],
        )
        assert cursor.fetchone() == ("lz4", "lz4", "lz4")
    assert article.body == record["body"]
    assert bytes(Original.objects.get(pk=article.original_id).content) == data
