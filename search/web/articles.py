"""Article pages and the article API."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from archive.models import Article
from search.related import related_articles
from search.web.entity_views import article_entities
from search.web.serializers import article_detail


def article_page(request, pk: int, slug: str = ""):
    article = get_object_or_404(Article.objects.for_display(), pk=pk)
    context = {
        "article": article,
        "direction": "rtl" if article.language == Article.Language.ARABIC else "ltr",
        # Reading aids (search/related.py): more like this, and the URL to cite.
        "related": related_articles(article),
        "entities": article_entities(article),
        "permalink": request.build_absolute_uri(article.get_absolute_url()),
    }
    return render(request, "archive/article_detail.html", context)


def article_api(request, pk: int):
    article = Article.objects.for_display().filter(pk=pk).first()
    if article is None:
        return JsonResponse({"error": f"no article with id {pk}"}, status=404)
    return JsonResponse(article_detail(article), json_dumps_params={"ensure_ascii": False})
