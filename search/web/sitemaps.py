"""sitemap.xml: the home page and every article (Django paginates long sections)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from archive.models import Article


class HomeSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["search:home"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6
    limit = 5000  # URLs per sitemap page (the protocol allows 50,000; smaller pages load faster)

    def items(self):
        return Article.objects.only("pk", "updated").order_by("pk")

    def lastmod(self, article):
        return article.updated


SITEMAPS = {"home": HomeSitemap, "articles": ArticleSitemap}
